import { createHash } from "node:crypto";
import type { Bank } from "../databank";
import { AlreadyExistsError } from "../databank";
import { UnauthorizedError } from "../errors";
import { isPlainObject } from "../model/as";
import type { SafeFetcher, SafeResponse } from "../net/safe-request";
import { loadFedify } from "./fedify";
import { signingKey, type ActorKey } from "./keys";
import { FIRST_KNOCK, knockMemory, otherSpec, type KnockMemory, type SignatureSpec } from "./double-knock";
import { signRfc9421, verifyRfc9421, type FoundKey } from "./rfc9421";

/** How old (or how far ahead) a signed request's Date may be. */
const TIME_WINDOW = { minutes: 10 };
const AP_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

/** A local actor's key and its key id, to sign with. */
export interface Signer {
  key: ActorKey;
  keyId: string;
}

type RequestInit = { method: "GET" | "POST"; body?: string; contentType?: string };

/** One request signed by `spec`: draft-cavage by fedify (which computes the Digest), RFC 9421 by rfc9421.ts. */
async function sendSigned(fetcher: SafeFetcher, signer: Signer, url: string, init: RequestInit, spec: SignatureSpec): Promise<SafeResponse> {
  const headers: Record<string, string> = { Accept: AP_ACCEPT, Date: new Date().toUTCString() };
  if (init.body !== undefined) headers["Content-Type"] = init.contentType ?? "application/activity+json";
  let out: Record<string, string> = {};
  if (spec === "rfc9421") {
    out = await signRfc9421({ privateKeyPem: signer.key.privateKeyPem, keyId: signer.keyId }, { method: init.method, url, headers, body: init.body });
  } else {
    const fedify = await loadFedify();
    const unsigned = new Request(url, { method: init.method, headers, body: init.body });
    const signed = await fedify.signRequest(unsigned, await signingKey(signer.key), new URL(signer.keyId));
    signed.headers.forEach((v, k) => {
      if (k !== "host" && k !== "content-length") out[k] = v;
    });
  }
  return fetcher.request(url, { method: init.method, headers: out, body: init.body, maxRedirects: init.method === "GET" ? 3 : 0 });
}

/**
 * Sends one signed request through the safe fetcher (every address checked
 * as for pump.io federation). The scheme is the one the host is known to
 * accept, else double-knocking (double-knock.ts): RFC 9421 first, and on
 * any 4xx/5xx once more by draft-cavage over (request-target), host, date and
 * digest; the scheme that got through is remembered for the host.
 */
export async function signedRequest(fetcher: SafeFetcher, signer: Signer, url: string, init: RequestInit, memory: KnockMemory = knockMemory): Promise<SafeResponse> {
  const host = new URL(url).host.toLowerCase();
  const known = memory.get(host);
  const first = known ?? FIRST_KNOCK;
  const res = await sendSigned(fetcher, signer, url, init, first);
  if (res.status >= 200 && res.status < 300) {
    // A GET answered 200 proves nothing: most servers do not check the
    // signature of a fetch at all. Only an inbox POST (always verified)
    // teaches which scheme the host reads.
    if (!known && init.method === "POST") memory.remember(host, first);
    return res;
  }
  if (res.status < 400) return res;
  if (known) {
    // The host changed its mind (an upgrade, a new key): the next attempt (the queue retries) knocks afresh.
    if (res.status === 400 || res.status === 401) memory.forget(host);
    return res;
  }
  // Any error from a host not yet known gets the second knock: servers that
  // only parse draft-cavage do not all answer 400/401 to a signature they
  // cannot read (activitypub-express answers 500).
  const second = otherSpec(first);
  const again = await sendSigned(fetcher, signer, url, init, second);
  if (again.status >= 200 && again.status < 300) memory.remember(host, second);
  return again;
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

type DocumentLoader = ReturnType<typeof documentLoaderOf>;

/**
 * Finds an RFC 9421 keyid's public key: its document is fetched (the
 * actor, for a `#main-key` id) and the key taken from the actor's
 * `publicKey` (one or several), whose owner is that actor; a standalone
 * key document counts only for an owner on its own origin. Cached per
 * worker (bounded), fetched again on `refresh`.
 */
function keyLookupOf(documentLoader: DocumentLoader) {
  const cache = new Map<string, FoundKey & { at: number }>();
  return async (keyId: string, refresh: boolean): Promise<FoundKey | null> => {
    const cached = cache.get(keyId);
    // A key fetched a minute ago is fresh enough: a forged signature costs no second fetch.
    if (cached && (!refresh || Date.now() - cached.at < 60_000)) return cached;
    if (!cached && refresh) return null;
    let doc: unknown;
    let docUrl: string;
    try {
      const loaded = await documentLoader(keyId);
      doc = loaded.document;
      docUrl = loaded.documentUrl;
    } catch {
      return null;
    }
    if (!isPlainObject(doc) || typeof doc.id !== "string") return null;
    const origin = new URL(docUrl).origin;
    if (new URL(doc.id).origin !== origin) return null;
    const keys = Array.isArray(doc.publicKey) ? doc.publicKey : doc.publicKey ? [doc.publicKey] : [];
    let found: FoundKey | null = null;
    const k = keys.find((x: unknown) => isPlainObject(x) && x.id === keyId);
    if (k && typeof k.publicKeyPem === "string") found = { publicKeyPem: k.publicKeyPem, owner: doc.id };
    else if (doc.id === keyId && typeof doc.publicKeyPem === "string" && typeof doc.owner === "string" && new URL(doc.owner).origin === origin) {
      found = { publicKeyPem: doc.publicKeyPem, owner: doc.owner };
    }
    if (!found) return null;
    if (cache.size >= 1000 && !cache.has(keyId)) cache.delete(cache.keys().next().value!);
    cache.delete(keyId);
    cache.set(keyId, { ...found, at: Date.now() });
    return found;
  };
}

/** A signature accepted once only: a captured request sent again is refused (401). */
async function refuseReplay(bank: Bank, signature: string): Promise<void> {
  const seen = createHash("sha256").update(signature).digest("hex");
  try {
    await bank.create("apseen", seen, { key: seen, created: new Date().toISOString() });
  } catch (err) {
    if (err instanceof AlreadyExistsError) throw new UnauthorizedError("Replayed request");
    throw err;
  }
}

type IncomingRequest = { method: string; url: string; headers: Record<string, string | string[] | undefined>; rawBody?: Buffer };

/**
 * Verifies the signature of an incoming request: RFC 9421 when it has a
 * Signature-Input header (rfc9421.ts: Content-Digest against the body,
 * `created` in the same window), else draft-cavage HTTP Signatures
 * (fedify's verifyRequest: Digest against the body, Date window). Keys are
 * fetched through the safe fetcher, cached per worker, and fetched again
 * once when the cached key fails — a rotated key. A signature seen before
 * is a replay and refused. Any failure is a 401.
 */
export function createVerifier(deps: VerifierDeps) {
  const keys = new Map<string, unknown>();
  const documentLoader = deps.documentLoader ?? documentLoaderOf(deps.fetcher);
  const lookup9421 = keyLookupOf(documentLoader);
  const cavage = async (req: IncomingRequest, headers: Headers): Promise<VerifiedSigner> => {
    const fedify = await loadFedify();
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
    return { keyId: key.id.href, owner: key.ownerId.href };
  };
  return async (req: IncomingRequest): Promise<VerifiedSigner> => {
    const flat: Record<string, string> = {};
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v !== "string") continue;
      headers.set(k, v);
      flat[k.toLowerCase()] = v;
    }
    const sig = headers.get("signature");
    if (!sig) throw new UnauthorizedError("HTTP Signature required");
    const input = headers.get("signature-input");
    const signer = input
      ? await verifyRfc9421({ method: req.method, url: req.url, headers: flat, rawBody: req.rawBody }, lookup9421, TIME_WINDOW.minutes * 60)
      : await cavage(req, headers);
    await refuseReplay(deps.bank, input ? `${input}\n${sig}` : sig);
    return signer;
  };
}
