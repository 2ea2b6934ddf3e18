import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Bank } from "../../lib/databank/bank";
import { SqliteDatabank } from "../../lib/databank/sqlite";
import { silentLogger } from "../../lib/log";
import { SCHEMA } from "../../lib/model/schema";
import { UrlMaker } from "../../lib/url-maker";
import { createEngine, type Engine, type Viewer } from "../../lib/activity";

export interface TestEngine {
  engine: Engine;
  bank: Bank;
  urls: UrlMaker;
  close(): Promise<void>;
}

/** A real bank: SQLite on a temp file, with the full schema. */
export async function openTestBank(): Promise<{ bank: Bank; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-activity-"));
  const params = { file: path.join(dir, "test.sqlite3"), schema: SCHEMA };
  const bank = new Bank(new SqliteDatabank(params), "sqlite");
  await bank.connect(params);
  return {
    bank,
    async close() {
      await bank.disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An engine over a fresh bank; port 80 gives `acct:` person ids, anything else profile URLs. */
export async function openTestEngine(port = 80): Promise<TestEngine> {
  const { bank, close } = await openTestBank();
  const urls = new UrlMaker({ hostname: "social.example", urlPort: port, urlPath: null });
  // These tests are about what each verb does, read right after each write:
  // local fan-out runs before the call returns here. Background fan-out (the
  // default) is tested in delivery.test.ts and test/queue/.
  const engine = createEngine({ bank, urls, config: { site: "Test Site" }, log: silentLogger(), delivery: "inline" });
  return {
    engine,
    bank,
    urls,
    async close() {
      await engine.queue.close();
      await close();
    },
  };
}

export const CLIENT = { objectType: "application", id: "urn:uuid:8b6f1a0e-0000-5000-8000-000000000001", displayName: "Test App" };

/** Registers local users (the engine's part of registration). */
export async function register(engine: Engine, ...nicks: string[]): Promise<void> {
  for (const n of nicks) await engine.afterRegister({ nickname: n }, CLIENT);
}

export function viewer(engine: Engine, nickname: string): Viewer {
  return { nickname, personId: engine.personId(nickname) };
}

export const NOBODY: Viewer = { nickname: null, personId: null };

/** The uuid at the end of an `/api/<type>/<uuid>` or `/api/activity/<uuid>` id. */
export function uuidOf(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}

/** Posts a note as `nick` and returns the presented activity. */
export async function postNote(engine: Engine, nick: string, content: string, extra: Record<string, unknown> = {}) {
  return engine.postActivity(nick, { verb: "post", object: { objectType: "note", content }, ...extra }, CLIENT);
}

/** Makes `a` follow `b`. */
export async function follow(engine: Engine, a: string, b: string): Promise<void> {
  await engine.follow(a, { objectType: "person", id: engine.personId(b) }, CLIENT);
}
