import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { HttpError } from "../errors";
import { checkHost, systemResolver, AddressRefusedError, type AddressPolicy, type Resolver } from "./address-check";

/**
 * The one way this server makes a request to another server (federation,
 * discovery, Dialback, firehose, spam checks): http/https only, every hop's
 * address checked by the AddressPolicy before connecting (the check is the
 * agent's own DNS lookup, so the address checked is the address connected
 * to), a deadline for the whole exchange, a cap on the response body, and
 * a bounded number of redirects, each one checked like the first request.
 */

/** Why an outgoing request failed. */
export type OutgoingFailure = "scheme" | "address" | "timeout" | "too-large" | "redirects" | "network";

/**
 * An outgoing request that failed before a complete answer arrived. A 502
 * when it reaches a client (the remote side, not the client, is at fault);
 * callers usually catch it and answer in their own terms (a Dialback
 * failure is a 401, a bad remote profile a 400).
 */
export class OutgoingRequestError extends HttpError {
  constructor(
    readonly reason: OutgoingFailure,
    readonly url: string,
    message: string,
    cause?: unknown,
  ) {
    super(502, message, { cause });
  }
}

export interface SafeRequestOptions {
  method?: string;
  /** Header names as given; Host and Content-Length are set here. */
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Deadline for the whole exchange (each hop), ms. */
  timeoutMs?: number;
  /** Largest response body accepted, bytes. */
  maxBytes?: number;
  /** Redirects followed at most (0: a 3xx is returned as is). */
  maxRedirects?: number;
}

export interface SafeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** URL of the final hop (after redirects). */
  url: string;
  /** The Content-Type's media type, lower case, without parameters ("" when none). */
  mediaType: string;
  text(): string;
  /** Parses the body as JSON; throws OutgoingRequestError("network") when it is not JSON. */
  json(): unknown;
}

export interface SafeFetcher {
  /** Sends one request under the policy; rejects with OutgoingRequestError. Non-2xx answers resolve. */
  request(url: string, options?: SafeRequestOptions): Promise<SafeResponse>;
  /** The policy this fetcher enforces (callers that show links may reuse it). */
  readonly policy: AddressPolicy;
  /** Closes kept-alive sockets (on shutdown). */
  close(): void;
}

export interface SafeFetcherOptions {
  policy: AddressPolicy;
  /** Name resolution; tests pass their own. Default: the system resolver. */
  resolver?: Resolver;
  /** User-Agent sent unless the caller sets one, e.g. "pump.io/7.0.0". */
  userAgent?: string;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

/** Defaults: a peer gets 10 s, 1 MiB (an activity or profile is far smaller) and 3 redirects. */
export const SAFE_DEFAULTS = { timeoutMs: 10_000, maxBytes: 1024 * 1024, maxRedirects: 3 } as const;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Creates a fetcher enforcing `policy`. One per app; its agents keep connections alive. */
export function createSafeFetcher(opts: SafeFetcherOptions): SafeFetcher {
  const resolver = opts.resolver ?? systemResolver;
  const lookup = checkedLookup(opts.policy, resolver);
  // Our own agents: sockets of the global agent may have been opened without the check.
  const agents = {
    "http:": new http.Agent({ keepAlive: true, lookup } as http.AgentOptions),
    "https:": new https.Agent({ keepAlive: true, lookup } as https.AgentOptions),
  };
  const defaults = {
    timeoutMs: opts.timeoutMs ?? SAFE_DEFAULTS.timeoutMs,
    maxBytes: opts.maxBytes ?? SAFE_DEFAULTS.maxBytes,
    maxRedirects: opts.maxRedirects ?? SAFE_DEFAULTS.maxRedirects,
  };

  async function request(url: string, options: SafeRequestOptions = {}): Promise<SafeResponse> {
    const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
    const maxBytes = options.maxBytes ?? defaults.maxBytes;
    const maxRedirects = options.maxRedirects ?? defaults.maxRedirects;
    let method = (options.method ?? "GET").toUpperCase();
    let body = options.body;
    let headers: Record<string, string> = { ...options.headers };
    if (opts.userAgent && !Object.keys(headers).some((h) => h.toLowerCase() === "user-agent")) headers["User-Agent"] = opts.userAgent;
    let current = parseUrl(url);
    for (let hop = 0; ; hop++) {
      // IP literals never reach the agent's lookup: check them here.
      await checkHost(current.hostname, opts.policy, resolver).catch((err) => {
        throw refusal(current.href, err);
      });
      const res = await once(current, { method, headers, body, timeoutMs, maxBytes, agent: agents[current.protocol as "http:" | "https:"] });
      const location = res.headers.location;
      if (!REDIRECTS.has(res.status) || maxRedirects === 0 || typeof location !== "string") return res;
      if (hop >= maxRedirects) throw new OutgoingRequestError("redirects", url, `Too many redirects fetching ${url}`);
      const next = parseUrl(new URL(location, current).href);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
      }
      // Credentials were meant for the first origin only.
      if (next.origin !== current.origin) headers = withoutAuthorization(headers);
      current = next;
    }
  }

  return {
    request,
    policy: opts.policy,
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OutgoingRequestError("scheme", url, `Not a URL: ${url}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new OutgoingRequestError("scheme", url, `Only http and https URLs are fetched, not ${u.protocol}`);
  if (u.username || u.password) throw new OutgoingRequestError("scheme", url, "URLs with credentials are not fetched");
  return u;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !["authorization", "cookie"].includes(k.toLowerCase())));
}

function refusal(url: string, err: unknown): OutgoingRequestError {
  if (err instanceof OutgoingRequestError) return err;
  if (err instanceof AddressRefusedError) return new OutgoingRequestError("address", url, `Refused to contact ${err.hostname}: ${err.message}`, err);
  return new OutgoingRequestError("network", url, `Cannot resolve the host of ${url}`, err);
}

/**
 * A `lookup` for the agents: resolves, drops every address the policy
 * refuses, and fails when none is left. Node connects to what this returns,
 * so no second resolution can swap in another address.
 */
function checkedLookup(policy: AddressPolicy, resolver: Resolver): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    checkHost(hostname, policy, resolver).then(
      (addresses) => {
        const family = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (usable.length === 0) return callback(new AddressRefusedError(hostname, []));
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (err) => callback(err),
    );
  }) as LookupFunction;
}

interface HopOptions {
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  timeoutMs: number;
  maxBytes: number;
  agent: http.Agent;
}

/** One request/response exchange, with the deadline and size cap. */
function once(url: URL, o: HopOptions): Promise<SafeResponse> {
  return new Promise((resolve, reject) => {
    const payload = o.body === undefined ? undefined : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body, "utf8");
    const headers: Record<string, string> = { ...o.headers };
    if (payload) headers["Content-Length"] = String(payload.length);
    const mod = url.protocol === "https:" ? https : http;
    let settled = false;
    const fail = (err: OutgoingRequestError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = mod.request(url, { method: o.method, headers, agent: o.agent }, (res) => {
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > o.maxBytes) return fail(new OutgoingRequestError("too-large", url.href, `Answer from ${url.host} is larger than ${o.maxBytes} bytes`));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxBytes) return fail(new OutgoingRequestError("too-large", url.href, `Answer from ${url.host} is larger than ${o.maxBytes} bytes`));
        chunks.push(chunk);
      });
      res.on("error", (err) => fail(new OutgoingRequestError("network", url.href, `Error reading the answer from ${url.host}`, err)));
      res.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(makeResponse(url.href, res.statusCode ?? 0, res.headers, Buffer.concat(chunks)));
      });
    });
    const timer = setTimeout(() => fail(new OutgoingRequestError("timeout", url.href, `${url.host} did not answer in time`)), o.timeoutMs);
    req.on("error", (err) => {
      const cause = err as Error;
      if (cause instanceof AddressRefusedError) fail(refusal(url.href, cause));
      else fail(new OutgoingRequestError("network", url.href, `Cannot reach ${url.host}`, cause));
    });
    req.end(payload);
  });
}

function makeResponse(url: string, status: number, headers: IncomingHttpHeaders, body: Buffer): SafeResponse {
  const mediaType = (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  return {
    status,
    headers,
    body,
    url,
    mediaType,
    text: () => body.toString("utf8"),
    json: () => {
      try {
        return JSON.parse(body.toString("utf8")) as unknown;
      } catch (err) {
        throw new OutgoingRequestError("network", url, `Answer from ${new URL(url).host} is not JSON`, err);
      }
    },
  };
}

export { systemResolver };
