// Man pages (dist/man, written by `npm run build` from the --help texts):
// package.json lists one per command, `man -l` renders each without
// complaint, and the page says what --help says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../support/process";
import { manualPages } from "../../lib/cli/man";

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { man: string[]; bin: Record<string, string> };
const skip: string | false = spawnSync("man", ["--version"]).status === 0 ? false : "man is not installed: man page rendering skipped";

test("package.json lists a man page for every command it installs, and the build wrote them", () => {
  const pages = pkg.man.map((p) => p.replace(/^dist\/man\/|\.1$/g, "")).sort();
  assert.deepEqual(pages, manualPages().map((p) => p.name).sort());
  for (const name of Object.keys(pkg.bin)) {
    // Commands whose page another helper's work adds are listed there; ours must all have one.
    if (manualPages().some((p) => p.name === name)) assert.ok(existsSync(join(REPO_ROOT, "dist", "man", `${name}.1`)), name);
  }
});

test("man -l renders every page, with the --help text in it", { skip }, () => {
  for (const page of manualPages()) {
    const file = join(REPO_ROOT, "dist", "man", `${page.name}.1`);
    const r = spawnSync("man", ["--warnings", "-l", file], { encoding: "utf8", env: { ...process.env, MANPAGER: "cat", PAGER: "cat", MANWIDTH: "200", LANG: "C.UTF-8" } });
    assert.equal(r.status, 0, `${page.name}: ${r.stderr}`);
    assert.equal(r.stderr.trim(), "", `${page.name}: troff warnings:\n${r.stderr}`);
    const text = r.stdout.replace(/.\x08/g, "");
    assert.match(text, new RegExp(`^NAME\\n\\s+${page.name} - `, "m"), page.name);
    assert.match(text, /^SYNOPSIS$/m);
    // Every non-empty line of --help appears in the page, word for word.
    for (const line of page.text.split("\n").slice(1)) {
      const words = line.trim().replace(/:$/, "");
      if (words === "") continue;
      const flat = text.replace(/\s+/g, " ");
      assert.ok(flat.toLowerCase().includes(words.replace(/\s+/g, " ").toLowerCase()), `${page.name}: missing ${JSON.stringify(words)}`);
    }
  }
});
