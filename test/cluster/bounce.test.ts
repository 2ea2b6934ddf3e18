import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createBounceServer } from "../../lib/cluster/bounce";

async function bounce(httpsPort: number, path: string, host: string): Promise<{ status: number; location?: string; body: string }> {
  const server = createBounceServer({ hostname: "social.example", httpsPort });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path, headers: { Host: host }, agent: false }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
        })
        .on("error", reject);
    });
  } finally {
    server.close();
  }
}

test("answers 301 to the same path and query on the canonical https origin", async () => {
  const r = await bounce(443, "/.well-known/host-meta?a=1&b=%20", "social.example");
  assert.equal(r.status, 301);
  assert.equal(r.location, "https://social.example/.well-known/host-meta?a=1&b=%20");
  assert.equal(r.body, "");
});

test("keeps a non-default https port, and ignores a foreign Host header", async () => {
  const r = await bounce(8443, "/main/login", "attacker.example:80");
  assert.equal(r.location, "https://social.example:8443/main/login");
});
