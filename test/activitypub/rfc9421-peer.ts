/**
 * A tiny ActivityPub peer that speaks only RFC 9421 (node:http, verified by
 * the `http-message-signatures` library against the sender's published
 * actor key): person `eve` with an inbox. A request without
 * Signature-Input (draft-cavage) or with a signature that does not verify
 * is answered 401, as a 9421-only server would.
 */
import http from "node:http";
import { createHash, createPublicKey, verify } from "node:crypto";
import type { AddressInfo } from "node:net";
import { httpbis } from "http-message-signatures";

export interface Rfc9421Peer {
  base: string;
  actor(name: string): string;
  /** accepted activities, with the covered components of their signature */
  received: { json: any; covered: string }[];
  /** how many requests were refused (401) */
  refused: number;
  close(): Promise<void>;
}

async function publicKeyOf(keyId: string): Promise<string | null> {
  const res = await fetch(keyId, { headers: { Accept: "application/activity+json" } });
  if (!res.ok) return null;
  const doc: any = await res.json();
  const keys = [doc.publicKey].flat();
  return keys.find((k: any) => k?.id === keyId)?.publicKeyPem ?? null;
}

export async function startRfc9421Peer(): Promise<Rfc9421Peer> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const peer: Rfc9421Peer = { base, actor: (n) => `${base}/users/${n}`, received: [], refused: 0, close: () => new Promise<void>((r) => server.close(() => r())) };

  const verified = async (req: http.IncomingMessage, body: Buffer): Promise<string | null> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    if (!headers["signature-input"]) return null;
    const digest = `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;
    if (headers["content-digest"] !== digest) return null;
    let covered = "";
    try {
      const ok = await httpbis.verifyMessage(
        {
          requiredParams: ["keyid", "created"],
          requiredFields: ["@method", "@target-uri", "content-digest"],
          keyLookup: async (params) => {
            const pem = typeof params.keyid === "string" ? await publicKeyOf(params.keyid) : null;
            if (!pem) return null;
            return {
              id: String(params.keyid),
              verify: async (data, sig) => {
                covered = data.toString();
                return verify("sha256", data, createPublicKey(pem), sig);
              },
            };
          },
        },
        { method: req.method!, url: base + req.url, headers },
      );
      return ok === true ? covered : null;
    } catch {
      return null;
    }
  };

  server.on("request", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const m = /^\/users\/(\w+)(\/inbox)?$/.exec(req.url ?? "");
      if (!m) return res.writeHead(404).end();
      const id = peer.actor(m[1]!);
      if (req.method === "GET" && !m[2]) {
        res.writeHead(200, { "Content-Type": "application/activity+json" });
        return res.end(JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id, type: "Person", preferredUsername: m[1], inbox: `${id}/inbox` }));
      }
      if (req.method !== "POST" || !m[2]) return res.writeHead(405).end();
      const covered = await verified(req, body);
      if (covered === null) {
        peer.refused++;
        return res.writeHead(401, { "Content-Type": "application/json" }).end('{"error":"RFC 9421 signature required"}');
      }
      peer.received.push({ json: JSON.parse(body.toString()), covered });
      res.writeHead(202).end();
    });
  });
  return peer;
}
