import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Databank } from "databank";
import { SqliteDatabank } from "../../lib/databank/sqlite";
import { Bank } from "../../lib/databank";
import { SCHEMA } from "../../lib/model/schema";
import { silentLogger } from "../../lib/log";
import { checkNonce, claimOnce, purgeNonces, startNonceCleanup, NONCE_LIFETIME_MS, type NonceRecord } from "../../lib/oauth/nonce";
import { OAuthError } from "../../lib/oauth/errors";

async function memoryBank(): Promise<Bank> {
  const bank = new Bank(Databank.get("memory", { schema: SCHEMA }), "memory");
  await bank.connect({});
  return bank;
}

async function countNonces(bank: Bank): Promise<number> {
  let n = 0;
  await bank.scan("nonce", () => n++);
  return n;
}

describe("nonces", () => {
  let bank: Bank;
  before(async () => {
    bank = await memoryBank();
  });
  after(() => bank.disconnect());

  const now = 1_700_000_000_000;
  const ts = String(now / 1000);

  it("accepts a combination once, then refuses it with 401", async () => {
    await checkNonce(bank, "c1", null, ts, "n1", now);
    await assert.rejects(checkNonce(bank, "c1", null, ts, "n1", now), (e: unknown) => e instanceof OAuthError && e.status === 401);
  });

  it("tells apart consumers, tokens, timestamps and nonces", async () => {
    await checkNonce(bank, "c2", null, ts, "n", now);
    await checkNonce(bank, "c3", null, ts, "n", now);
    await checkNonce(bank, "c2", "tok", ts, "n", now);
    await checkNonce(bank, "c2", null, String(now / 1000 - 1), "n", now);
    await checkNonce(bank, "c2", null, ts, "n2", now);
  });

  it("refuses timestamps outside ±300 s and non-numeric ones", async () => {
    for (const t of [String(now / 1000 - 301), String(now / 1000 + 301), "abc", "-5", "1e9"]) {
      await assert.rejects(checkNonce(bank, "c4", null, t, `x${t}`, now), (e: unknown) => e instanceof OAuthError && e.status === 401);
    }
    await checkNonce(bank, "c4", null, String(now / 1000 - 300), "edge", now);
  });

  it("purges nonces seen more than 600 s ago, and only those", async () => {
    const b = await memoryBank();
    await checkNonce(b, "c", null, ts, "old", now);
    await checkNonce(b, "c", null, String(now / 1000 + 200), "new", now + 200_000);
    assert.equal(await purgeNonces(b, now + NONCE_LIFETIME_MS + 1), 1);
    assert.equal(await countNonces(b), 1);
    await b.disconnect();
  });

  it("claimOnce is true exactly once", async () => {
    assert.equal(await claimOnce(bank, "k"), true);
    assert.equal(await claimOnce(bank, "k"), false);
  });

  it("the cleanup timer purges periodically, is unref'd and stops", async () => {
    const b = await memoryBank();
    const old: NonceRecord = { token_nonce: "old", consumer_key: "c", access_token: null, timestamp: 0, nonce: "n", seen: 0 };
    await b.create("nonce", "old", old);
    const task = startNonceCleanup(b, 5, silentLogger());
    try {
      // Bounded wait for the timer to fire (the interval is 5 ms).
      for (let i = 0; i < 2000 && (await countNonces(b)) > 0; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(await countNonces(b), 0);
    } finally {
      task.stop();
    }
    await b.create("nonce", "old", old);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(await countNonces(b), 1, "no purge after stop()");
    await b.disconnect();
  });

  it("a zero interval disables the cleanup", () => {
    const task = startNonceCleanup(bank, 0, silentLogger());
    task.stop();
  });
});

describe("the nonce purge with several workers on one bank", () => {
  it("one worker scans per period, whichever ticks first; the next period is another run", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "pump-nonce-"));
    const params = { file: join(dir, "pump.sqlite3"), schema: SCHEMA };
    // Three workers: three connections to one SQLite file, as in a cluster.
    const banks = await Promise.all(
      [0, 1, 2].map(async () => {
        const b = new Bank(new SqliteDatabank(params), "sqlite");
        await b.connect(params);
        return b;
      }),
    );
    const tasks = banks.map((b) => startNonceCleanup(b, 60_000, silentLogger()));
    t.after(async () => {
      for (const task of tasks) task.stop();
      for (const b of banks) await b.disconnect();
      rmSync(dir, { recursive: true, force: true });
    });
    const old: NonceRecord = { token_nonce: "old", consumer_key: "c", access_token: null, timestamp: 0, nonce: "n", seen: 0 };
    await banks[0].create("nonce", "old", old);
    const at = 1_700_000_000_000;
    const first = await Promise.all(tasks.map((task) => task.tick!(at)));
    assert.deepEqual(first.filter((r) => r !== null), [1], "exactly one worker purged (and found the stale nonce)");
    assert.equal(await countNonces(banks[1]), 0);
    // Later in the same period: nobody runs again.
    assert.deepEqual(await Promise.all(tasks.map((task) => task.tick!(at + 30_000))), [null, null, null]);
    // The next period: one run again.
    const next = await Promise.all(tasks.map((task) => task.tick!(at + 60_000)));
    assert.equal(next.filter((r) => r !== null).length, 1);
  });
});
