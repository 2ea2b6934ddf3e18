/**
 * Shared set-up of the upload tests: a real server with uploads on, test
 * images made with sharp at test time (a JPEG carrying EXIF orientation 6,
 * PNGs), the committed OGG fixture, and helpers that upload as the pump.io
 * CLI's `pump-post-file` does (a raw POST with the file's type, signed by
 * the real `oauth` client) and download with or without credentials.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { join } from "node:path";
import sharp from "sharp";
import { oauthClient, type Creds, type TestResponse } from "../support/oauth-client";
import type { ApiFixture, TestUser } from "../api/support";
import { packageRoot } from "../../lib/version";

/** The size limit the upload tests run with (small, so the 413 test sends little). */
export const LIMIT = 300 * 1024;

/** Server flags: uploads on, the small limit. */
export const UPLOAD_FLAGS = ["--enableUploads", "true", "--maxUploadSize", String(LIMIT)];

/** A 640×480 JPEG stored sideways: EXIF orientation 6 means "turn 90° clockwise to show" (so 480×640 upright). */
export async function rotatedJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A PNG of the given size. */
export async function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 20, g: 120, b: 220, alpha: 1 } } }).png().toBuffer();
}

/** One second of a 440 Hz tone, Ogg Vorbis (made once with sox; see test/fixtures/README). */
export function toneOgg(): Buffer {
  return readFileSync(join(packageRoot(), "test", "fixtures", "tone.ogg"));
}

/** Random bytes: not an image, not audio. */
export function garbage(size = 4096): Buffer {
  return randomBytes(size);
}

/** POSTs a file as its raw body with its type, signed by the `oauth` client (pump-post-file). */
export function postFile(base: string, creds: Creds, path: string, body: Buffer, type: string): Promise<TestResponse> {
  const oa = oauthClient(base, creds.client);
  return new Promise((resolve, reject) => {
    oa.post(base + path, creds.token?.token ?? (null as unknown as string), creds.token?.secret ?? (null as unknown as string), body, type, (err: any, data, res) => {
      if (!res) return reject(err);
      const text = data === undefined ? "" : data.toString();
      let parsed: unknown = text;
      if (/json/.test(String(res.headers["content-type"] ?? "")) && text) parsed = JSON.parse(text);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
    });
  });
}

/** Uploads through the API as `user`; fails the test unless 200. Returns the object. */
export async function upload(api: ApiFixture, user: TestUser, body: Buffer, type: string): Promise<any> {
  const res = await postFile(api.server.url, user.creds, `/api/user/${user.nickname}/uploads`, body, type);
  assert.equal(res.status, 200, `upload ${type}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
}

export interface Download {
  status: number;
  headers: Headers;
  body: Buffer;
}

/**
 * GETs a URL of ours, as `creds` (signed by the `oauth` client: its
 * Authorization header) or anonymously, with extra headers (Range...).
 * Plain node:http, because fetch adds `Cache-Control: no-cache` to
 * conditional requests (If-None-Match), which defeats the 304 test.
 */
export async function download(base: string, url: string, creds: Creds | null, headers: Record<string, string> = {}): Promise<Download> {
  const target = base + new URL(url).pathname;
  const h: Record<string, string> = { ...headers };
  if (creds) h.Authorization = oauthClient(base, creds.client).authHeader(target, creds.token?.token ?? "", creds.token?.secret ?? "", "GET");
  return new Promise((resolve, reject) => {
    const req = httpGet(target, { headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) });
      });
    });
    req.on("error", reject);
  });
}

/** Entries of the temp folder for uploads in progress (must be empty between requests). */
export function tempEntries(datadir: string): string[] {
  const dir = join(datadir, "upload-tmp");
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Every stored file under <datadir>/uploads, as relative paths. */
export function storedFiles(datadir: string): string[] {
  const dir = join(datadir, "uploads");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length + 1))
    .sort();
}

/**
 * Waits until the temp folder is empty: the server removes it when the
 * request ends, which for a client that hung up is a moment after the
 * client gave up. Bounded by a number of checks, not by a time budget.
 */
export async function tempEmptied(datadir: string, checks = 200): Promise<string[]> {
  for (let i = 0; i < checks; i++) {
    const left = tempEntries(datadir);
    if (left.length === 0) return left;
    await new Promise((r) => setTimeout(r, 25));
  }
  return tempEntries(datadir);
}
