/**
 * A client still sending when its upload is refused with a 413 reads the
 * 413, not a reset connection: the server reads and drops the rest of the
 * body (lib/http/linger.ts) instead of closing over unread bytes, which made
 * the kernel reset the connection and a slow client's next write fail with
 * EPIPE. A client that never stops sending is still cut off.
 *
 * Raw sockets, paused while the server answers, play the slow client: its
 * next write comes after the answer is already waiting unread.
 */
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { oauthClient } from "../support/oauth-client";
import { startApi, type ApiFixture, type TestUser } from "../api/support";
import { LIMIT, UPLOAD_FLAGS, tempEmptied } from "./support";

/** One HTTP/1.1 chunk of `size` bytes. */
const chunk = (size: number): Buffer => Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), Buffer.alloc(size, 7), Buffer.from("\r\n")]);

/** Resolves with the first complete answer read from `socket` (head and Content-Length body), or rejects on a socket error. */
function readAnswer(socket: Socket): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      got = Buffer.concat([got, d]);
      const split = got.indexOf("\r\n\r\n");
      if (split < 0) return;
      const head = got.subarray(0, split).toString("latin1");
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? NaN);
      if (got.length < split + 4 + length) return;
      socket.off("data", onData);
      socket.off("error", reject);
      resolve({ head, body: got.subarray(split + 4, split + 4 + length).toString("utf8") });
    };
    socket.on("data", onData);
    socket.on("error", reject);
    socket.resume();
  });
}

describe("uploads: a slow client over the limit", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let port: number;

  before(async () => {
    api = await startApi(UPLOAD_FLAGS);
    alice = await api.user("alice");
    port = Number(new URL(api.server.url).port);
  });
  after(async () => {
    await api?.close();
  });

  /** A paused socket that has sent the head of a chunked upload and one chunk over the limit. */
  const startOversizeUpload = async (): Promise<Socket> => {
    const url = `${api.server.url}/api/user/alice/uploads`;
    const auth = oauthClient(api.server.url, alice.creds.client).authHeader(url, alice.creds.token!.token, alice.creds.token!.secret, "POST");
    const socket = connect(port, "127.0.0.1");
    socket.pause();
    await new Promise((resolve) => socket.once("connect", resolve));
    const head = ["POST /api/user/alice/uploads HTTP/1.1", `Host: ${new URL(url).host}`, `Authorization: ${auth}`, "Content-Type: image/png", "Transfer-Encoding: chunked", "Accept: application/json", "", ""];
    socket.write(head.join("\r\n"));
    socket.write(chunk(LIMIT + 64 * 1024));
    return socket;
  };

  test("keeps sending after the answer was written, then reads it: a 413, and the connection carries the next request", async () => {
    const socket = await startOversizeUpload();
    const errors: Error[] = [];
    socket.on("error", (err) => errors.push(err));
    // The server answers meanwhile; this client has not read it yet and goes on sending.
    await sleep(300);
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((resolve) => socket.write(chunk(64 * 1024), () => resolve()));
      await sleep(50);
    }
    assert.deepEqual(errors, [], "no reset while the client was still sending");
    const answer = await readAnswer(socket);
    assert.match(answer.head, /^HTTP\/1\.1 413 /);
    assert.match(JSON.parse(answer.body).error, /File too large/);
    // The client ends its body; the same connection then serves another request.
    socket.write("0\r\n\r\n");
    socket.write(`GET /.well-known/host-meta HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const next = await readAnswer(socket);
    assert.match(next.head, /^HTTP\/1\.1 200 /);
    socket.destroy();
    assert.deepEqual(await tempEmptied(api.server.datadir), []);
  });

  test("a client that never stops sending is cut off after the answer", async () => {
    const socket = await startOversizeUpload();
    socket.on("error", () => undefined);
    const answer = await readAnswer(socket);
    assert.match(answer.head, /^HTTP\/1\.1 413 /);
    let closed = false;
    socket.once("close", () => (closed = true));
    // Bounded by a number of writes, not a time budget: far more than the linger allows.
    for (let i = 0; i < 2000 && !closed; i++) {
      socket.write(chunk(16 * 1024));
      await sleep(25);
    }
    assert.ok(closed, "the server closed the connection of a client that kept sending");
    assert.deepEqual(await tempEmptied(api.server.datadir), []);
  });
});
