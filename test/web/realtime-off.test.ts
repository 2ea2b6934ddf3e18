// `sockjs: false` (the original's key for realtime updates) turns realtime
// off: no WebSocket endpoint, and pages tell the client script not to try.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "ws";
import { startTestServer } from "../support/server";

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, "ws") + "/main/realtime", { headers: { Origin: url } });
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("unexpected-response", (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.on("error", reject);
  });
}

test("sockjs: false answers the realtime endpoint with 404 and marks pages realtime-off", async (t) => {
  const off = await startTestServer(["--no-sockjs"]);
  t.after(() => off.close());
  assert.equal(await upgradeStatus(off.url), 404);
  const home = await (await fetch(off.url + "/", { headers: { Accept: "text/html" } })).text();
  assert.match(home, /<html lang="en" data-no-realtime>/);
});

test("by default the realtime endpoint accepts the upgrade and pages do not say off", async (t) => {
  const on = await startTestServer();
  t.after(() => on.close());
  assert.equal(await upgradeStatus(on.url), 101);
  const home = await (await fetch(on.url + "/", { headers: { Accept: "text/html" } })).text();
  assert.doesNotMatch(home, /data-no-realtime/);
});
