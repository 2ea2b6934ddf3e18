import type { Bank } from "../databank";
import { OAuthError, OAuthMessages, PlaintextNeedsTlsError } from "./errors";
import { checkNonce, claimOnce } from "./nonce";
import { readClient, type ClientRecord } from "./clients";
import { collectParams, requireParams, type OAuthRequest } from "./request-params";
import { computeSignature, isSignatureMethod, requestBaseUrl, signatureMatches, type BaseUrlOptions } from "./signature";
import { readAccessToken, readRequestToken, type AccessTokenRecord, type RequestTokenRecord } from "./tokens";
import { safeEqual } from "./random";

/** What checking a signed request needs. */
export interface VerifyDeps {
  bank: Bank;
  baseUrl: BaseUrlOptions;
  /** Server time in ms (tests of the timestamp window use the real clock; this is for unit tests). */
  now?: () => number;
}

const BASE = ["oauth_consumer_key", "oauth_signature_method", "oauth_signature", "oauth_timestamp", "oauth_nonce"] as const;

interface TokenLookup {
  /** Id recorded with the nonce, and the secret half of the signing key. */
  id: string;
  secret: string;
}

/**
 * The checks every signed request goes through, in this order: required
 * params (400), signature method (400; PLAINTEXT without TLS is 401 JSON),
 * consumer (400), the token (by `lookupToken`, which throws its own
 * refusals), signature (`badSignature` status), then timestamp window and
 * nonce (401). Nonces are stored only
 * for correctly signed requests, so junk cannot fill the table.
 */
async function verifySigned(
  deps: VerifyDeps,
  req: OAuthRequest,
  opts: {
    required: readonly string[];
    badSignature: 400 | 401;
    lookupToken?: (token: string, client: ClientRecord) => Promise<TokenLookup>;
  },
): Promise<{ client: ClientRecord; oauth: Record<string, string> }> {
  const { oauth, signed } = collectParams(req);
  requireParams(oauth, opts.required);
  const method = oauth.oauth_signature_method!;
  if (!isSignatureMethod(method)) throw new OAuthError(400, OAuthMessages.method);
  // req.secure: TLS here, or a trusted proxy's X-Forwarded-Proto (config trustProxy).
  if (method === "PLAINTEXT" && !req.secure) throw new PlaintextNeedsTlsError();
  if (oauth.oauth_version !== undefined && oauth.oauth_version !== "1.0") throw new OAuthError(400, "Unsupported oauth_version");

  const client = await readClient(deps.bank, oauth.oauth_consumer_key!);
  if (!client) throw new OAuthError(400, OAuthMessages.consumer);
  const token = opts.lookupToken ? await opts.lookupToken(oauth.oauth_token!, client) : null;

  const expected = computeSignature(method, req.method, requestBaseUrl(req, deps.baseUrl), signed, client.secret, token?.secret ?? "");
  if (!signatureMatches(oauth.oauth_signature!, expected)) throw new OAuthError(opts.badSignature, OAuthMessages.signature);

  const now = deps.now?.() ?? Date.now();
  await checkNonce(deps.bank, client.consumer_key, token?.id ?? null, oauth.oauth_timestamp!, oauth.oauth_nonce!, now);
  return { client, oauth };
}

/** A 2-legged request (signed with the consumer secret only): the API's client-level auth. */
export async function verifyClientRequest(deps: VerifyDeps, req: OAuthRequest): Promise<{ client: ClientRecord }> {
  const { client } = await verifySigned(deps, req, { required: BASE, badSignature: 400 });
  return { client };
}

/** A 3-legged request (signed with consumer and access-token secrets): the API's user-level auth. */
export async function verifyUserRequest(deps: VerifyDeps, req: OAuthRequest): Promise<{ client: ClientRecord; accessToken: AccessTokenRecord }> {
  let accessToken: AccessTokenRecord | null = null;
  const { client } = await verifySigned(deps, req, {
    required: [...BASE, "oauth_token"],
    badSignature: 400,
    lookupToken: async (token, c) => {
      accessToken = await readAccessToken(deps.bank, token);
      if (!accessToken) throw new OAuthError(400, OAuthMessages.token);
      if (accessToken.consumer_key !== c.consumer_key) throw new OAuthError(401, OAuthMessages.token);
      return { id: accessToken.access_token, secret: accessToken.token_secret };
    },
  });
  return { client, accessToken: accessToken! };
}

/** POST /oauth/request_token: a 2-legged request carrying `oauth_callback`. */
export async function verifyRequestTokenRequest(deps: VerifyDeps, req: OAuthRequest): Promise<{ client: ClientRecord; callback: string }> {
  const { client, oauth } = await verifySigned(deps, req, { required: [...BASE, "oauth_callback"], badSignature: 401 });
  const callback = oauth.oauth_callback!;
  if (callback !== "oob" && !isAbsoluteHttpUrl(callback)) throw new OAuthError(400, OAuthMessages.callback);
  return { client, callback };
}

/**
 * /oauth/access_token: signed with the request token's secret; the token
 * must belong to this client, be authorized by a user, carry the right
 * verifier, and never have been exchanged before (checked atomically).
 */
export async function verifyAccessTokenRequest(deps: VerifyDeps, req: OAuthRequest): Promise<{ client: ClientRecord; requestToken: RequestTokenRecord }> {
  let rt: RequestTokenRecord | null = null;
  const { client, oauth } = await verifySigned(deps, req, {
    required: [...BASE, "oauth_token", "oauth_verifier"],
    badSignature: 401,
    lookupToken: async (token, c) => {
      rt = await readRequestToken(deps.bank, token);
      if (!rt || rt.consumer_key !== c.consumer_key) throw new OAuthError(400, OAuthMessages.token);
      return { id: rt.token, secret: rt.token_secret };
    },
  });
  const requestToken = rt as unknown as RequestTokenRecord;
  if (requestToken.access_token !== null || requestToken.used) throw new OAuthError(401, OAuthMessages.token);
  if (!requestToken.authenticated || !requestToken.username) throw new OAuthError(401, OAuthMessages.token);
  if (!safeEqual(oauth.oauth_verifier!, requestToken.verifier)) throw new OAuthError(401, OAuthMessages.verifier);
  // Two exchanges racing past the checks above: only one may win.
  if (!(await claimOnce(deps.bank, `exchange:${requestToken.token}`))) throw new OAuthError(401, OAuthMessages.token);
  return { client, requestToken };
}

function isAbsoluteHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}
