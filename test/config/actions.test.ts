import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { helpText, redactConfig, REDACTED } from "../../lib/config";
import { GOOD_SECRET, load, tmp, writeConfig } from "./support";

describe("actions", () => {
  it("is run by default", () => {
    assert.equal(load().action, "run");
  });

  for (const [argv, action] of [
    [["--help"], "help"],
    [["-h"], "help"],
    [["--version"], "version"],
    [["-v"], "version"],
    [["--show-config"], "show-config"],
    [["--port", "8000", "-h"], "help"],
    [["-v", "--help"], "help"],
  ] as const) {
    it(`${argv.join(" ")} → ${action}`, () => {
      assert.equal(load({ argv: [...argv] }).action, action);
    });
  }

  it("answers --help and --version even when the configuration is broken", () => {
    const dir = tmp();
    const bad = writeConfig(dir, "bad.json", "{ nope");
    const env = { PUMPIO_PORT: "abc" };
    assert.equal(load({ argv: ["-c", bad, "--help"], env }).action, "help");
    assert.equal(load({ argv: ["--bogus-flag-without-value", "serve", "--version"], env }).action, "version");
    assert.deepEqual(load({ argv: ["--help"], env }).sources, []);
  });

  it("validates fully for --show-config", () => {
    assert.throws(() => load({ argv: ["--show-config"], env: {} }), /secret is not set/);
  });
});

describe("helpText", () => {
  const text = helpText();
  for (const needle of ["Usage: pump", "-c, --config", "--help", "--version", "--show-config", "--no-bounce", "--params.host", "PUMPIO_URL_PORT", "PUMPIO_PARAMS__HOST", "/etc/pump.io.json", "~/.pump.io.json", "pump.io.json.example", "secret"]) {
    it(`mentions ${needle}`, () => assert.ok(text.includes(needle), `help lacks ${needle}`));
  }
  it("fits an 80-column terminal", () => {
    for (const line of text.split("\n")) assert.ok(line.length <= 80, `too long: ${line}`);
  });
});

describe("redactConfig", () => {
  const loaded = load({
    env: {
      PUMPIO_SECRET: GOOD_SECRET,
      PUMPIO_DRIVER: "mongodb",
      PUMPIO_PARAMS: JSON.stringify({ url: "mongodb://admin:dbpw@db.example:27017/pump", password: "p2", host: "db.example", auth: { pass: "p3" } }),
      PUMPIO_CLIENTS: JSON.stringify([{ client_id: "cid", client_secret: "csecret", title: "T" }]),
      PUMPIO_USERS: JSON.stringify([{ nickname: "alice", password: "alicepw", tokens: [{ token: "tok", token_secret: "toksecret", client_id: "cid" }] }]),
    },
  });
  // Email and spam checking are not built (lib/config/unbuilt.ts), so their secrets are added by hand.
  const config = { ...loaded.config, smtppass: "smtp-pw", smtpserver: "mail.example", spamhost: "https://spam.example", spamclientid: "spam-id", spamclientsecret: "spam-secret" };
  const r = redactConfig(config);
  const text = JSON.stringify(r);

  it("hides every secret value", () => {
    for (const s of [GOOD_SECRET, "smtp-pw", "spam-secret", "dbpw", "p2", "p3", "csecret", "alicepw", "toksecret", "tok\""]) {
      assert.ok(!text.includes(s), `redacted config still contains ${s}`);
    }
  });

  it("marks them [redacted] and keeps everything else", () => {
    assert.equal(r.secret, REDACTED);
    assert.equal(r.smtppass, REDACTED);
    assert.equal(r.spamclientsecret, REDACTED);
    assert.equal(r.spamclientid, "spam-id");
    assert.equal(r.smtpserver, "mail.example");
    const params = r.params as Record<string, unknown>;
    assert.equal(params.url, "mongodb://admin:[redacted]@db.example:27017/pump");
    assert.equal(params.host, "db.example");
    const clients = r.clients as Array<Record<string, unknown>>;
    assert.deepEqual(clients[0], { client_id: "cid", client_secret: REDACTED, title: "T" });
    const users = r.users as Array<Record<string, unknown>>;
    assert.equal(users[0]?.nickname, "alice");
    assert.equal(users[0]?.password, REDACTED);
    assert.equal(r.port, 31337);
  });

  it("leaves unset secrets null and does not touch the config", () => {
    assert.equal(redactConfig(load({ env: { PUMPIO_NOWEB: "1" } }).config).secret, null);
    assert.equal(config.secret, GOOD_SECRET);
  });
});
