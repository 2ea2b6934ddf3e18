// An admin tool's command line: its own options, its words, and the
// server's configuration flags handed on unchanged to lib/config.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseToolArgs } from "../../lib/admin/options";

const SPEC = [
  { name: "user", short: "u", value: true },
  { name: "json" },
];

describe("parseToolArgs", () => {
  it("separates the tool's options, its words and config flags", () => {
    const a = parseToolArgs(["show", "-u", "bob", "-c", "/etc/x.json", "--datadir", "/var/lib/pump", "--json", "alice"], SPEC);
    assert.deepEqual(a.opts, { user: "bob", json: true });
    assert.deepEqual(a.positional, ["show", "alice"]);
    assert.deepEqual(a.configArgv, ["-c", "/etc/x.json", "--datadir", "/var/lib/pump"]);
    assert.equal(a.error, undefined);
  });

  it("a boolean config flag does not swallow the next word; a string one takes it", () => {
    const a = parseToolArgs(["--noweb", "list", "--hostname", "example.com", "--params.host=db", "--bounce", "false"], SPEC);
    assert.deepEqual(a.positional, ["list"]);
    assert.deepEqual(a.configArgv, ["--noweb", "--hostname", "example.com", "--params.host=db", "--bounce", "false"]);
  });

  it("--opt=value, -uvalue, --help, --version and --", () => {
    const a = parseToolArgs(["--user=carol", "--help", "--version", "--", "-x"], SPEC);
    assert.equal(a.opts.user, "carol");
    assert.equal(a.help, true);
    assert.equal(a.version, true);
    assert.deepEqual(a.positional, ["-x"]);
    assert.equal(parseToolArgs(["-udave"], SPEC).opts.user, "dave");
  });

  it("reports unknown short options and missing values", () => {
    assert.match(parseToolArgs(["-z"], SPEC).error ?? "", /unknown option -z/);
    assert.match(parseToolArgs(["--user"], SPEC).error ?? "", /--user needs a value/);
    assert.match(parseToolArgs(["--json=yes"], SPEC).error ?? "", /--json takes no value/);
  });
});
