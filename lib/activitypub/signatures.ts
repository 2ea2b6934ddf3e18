import { createHash } from "node:crypto";
import type { Bank } from "../databank";
import { AlreadyExistsError } from "../databank";
import { UnauthorizedError } from "../errors";
import type { SafeFetcher, SafeResponse } from "../net/safe-request";
import { loadFedify } from "./fedify";
import { signingKey, type ActorKey } from "./keys";

/** How old (or how far ahead) a signed request's Date may be. */
const TIME_WINDOW = { minutes: 10 };
const AP_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

/** A local actor's key and its key id, to sign with. */
export interface Signer {
  key: ActorKey;
  keyId: string;
}

/**
 * Sends one request signed by draft-cavage HTTP Signatures over
 * (request-target), host, date and (with a body) digest — fedify's
 * signRequest computes the Digest — through the safe fetcher, so every
 * address is checked as for pump.io federation.
 */
export async function signedRequest(fetcher: SafeFetcher, signer: Signer, url: string, init: { method: "GET" | "POST"; body?: string; contentType?: string }): Promise<SafeResponse> {
  const fedify = await loadFedify();
  const headers: Record<string, string> = { Accept: AP_ACCEPT, Date: new Date().toUTCString() };
  if (init.body !== undefined) headers["Content-Type"] = init.contentType ?? "application/activity+json";
  const unsigned = new Request(url, { method: init.method, headers, body: init.body });
  const signed = await fedify.signRequest(unsigned, await signingKey(signer.key), new URL(signer.keyId));
  const out: Record<string, string> = {};
  signed.headers.forEach((v, k) => {
    if (k !== "host" && k !== "content-length") out[k] = v;
  });
  return fetcher.request(url, { method: init.method, headers: out, body: init.body, maxRedirects: init.method === "GET" ? 3 : 0 });
}

/** A JSON-LD document loader over the safe fetcher (remote actors and keys), for fedify. */
export function documentLoaderOf(fetcher: SafeFetcher) {
  return async (url: string) => {
    const res = await fetcher.request(url, { headers: { Accept: AP_ACCEPT } });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    return { contextUrl: null, document: res.json(), documentUrl: res.url };
  };
}

/** What a verified request proves: the key and the actor that owns it. */
export interface VerifiedSigner {
  keyId: string;
  owner: string;
}

export interface VerifierDeps {
  bank: Bank;
  fetcher: SafeFetcher;
  /** How keys are fetched (signed-fetch.ts signs them); default unsigned GETs. */
  documentLoader?: (url: string) => Promise<{ contextUrl: null; document: unknown; documentUrl: string }>;
}

/**
 * Verifies the HTTP Signature of an incoming request (fedify's
 * verifyRequest: signature, Digest against the body, date window; the
 * key is fetched through the safe fetcher, cached per worker, and fetched
 * again once when the cached key fails — a rotated key). A signature seen
 * before is a replay and refused. Any failure is a 401.
 */
export function createVerifier(deps: VerifierDeps) {
  const keys = new Map<string, unknown>();
  const documentLoader = deps.documentLoader ?? documentLoaderOf(deps.fetcher);
  return async (req: { method: string; url: string; headers: Record<string, string | string[] | undefined>; rawBody?: Buffer }): Promise<VerifiedSigner> => {
    const fedify = await loadFedify();
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const sig = headers.get("signature");
    if (!sig) throw new UnauthorizedError("HTTP Signature required");
    const request = new Request(req.url, { method: req.method, headers, body: req.method === "POST" ? new Uint8Array(req.rawBody ?? Buffer.alloc(0)) : undefined });
    let key: Awaited<ReturnType<typeof fedify.verifyRequest>>;
    try {
      key = await fedify.verifyRequest(request, {
        documentLoader,
        timeWindow: TIME_WINDOW,
        keyCache: {
          get: async (id: URL) => keys.get(id.href) as never,
          set: async (id: URL, k: unknown) => {
            if (k) keys.set(id.href, k);
            else keys.delete(id.href);
          },
        },
      });
    } catch {
      key = null;
    }
    if (!key || !key.id || !key.ownerId) throw new UnauthorizedError("Invalid HTTP Signature");
    // Once per signature: a captured request sent again is refused.
    const seen = createHash("sha256").update(sig).digest("hex");
    try {
      await deps.bank.create("apseen", seen, { key: seen, created: new Date().toISOString() });
    } catch (err) {
      if (err instanceof AlreadyExistsError) throw new UnauthorizedError("Replayed request");
      throw err;
    }
    return { keyId: key.id.href, owner: key.ownerId.href };
  };
}
