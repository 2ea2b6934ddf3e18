import type { Bank } from "../databank";
import { BadRequestError } from "../errors";
import { knownScopes, scopeList } from "./bearer";
import { readClient, type ClientRecord } from "./clients";

/** The parameters of an authorization request that travel through the login and consent pages. */
const CARRIED = ["response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"] as const;
type Carried = (typeof CARRIED)[number];

/** RFC 7636 §4.2: 43–128 characters of the unreserved set. */
const CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

export interface AuthorizationRequest {
  params: Partial<Record<Carried, string>> & { client_id: string; redirect_uri: string };
  client: ClientRecord;
  scopes: string[];
  challengeMethod: "S256" | "plain" | null;
  /** An RFC 6749 §4.1.2.1 error code to send back to the client's redirect_uri, or null. */
  error: string | null;
}

/**
 * Reads and checks an authorization request (query or form). Until the
 * client and its redirect_uri are known good, a problem is a 400 here
 * (never a redirect to an unchecked address); after that it is an error
 * code for the client. A client that registered redirect_uris gets codes
 * only at one of them (the original never checked).
 */
export async function readAuthorizationRequest(bank: Bank, source: unknown): Promise<AuthorizationRequest> {
  const raw = (source && typeof source === "object" ? source : {}) as Record<string, unknown>;
  const params: Partial<Record<Carried, string>> = {};
  for (const name of CARRIED) {
    const v = raw[name];
    if (typeof v === "string" && v !== "") params[name] = v;
  }
  if (!params.client_id) throw new BadRequestError("client_id parameter required");
  if (!params.redirect_uri || !isWebUrl(params.redirect_uri)) throw new BadRequestError("redirect_uri parameter required (an absolute http or https URL)");
  const client = await readClient(bank, params.client_id);
  if (!client) throw new BadRequestError("Unknown client_id");
  const registered = client.redirect_uris ?? [];
  if (registered.length > 0 && !registered.includes(params.redirect_uri)) {
    throw new BadRequestError("redirect_uri is not one of the client's registered redirect_uris");
  }
  const request: AuthorizationRequest = {
    params: { ...params, client_id: params.client_id, redirect_uri: params.redirect_uri },
    client,
    scopes: scopeList(params.scope),
    challengeMethod: params.code_challenge ? (params.code_challenge_method === "S256" ? "S256" : "plain") : null,
    error: null,
  };
  if (params.response_type !== "code") request.error = "unsupported_response_type";
  else if (!knownScopes(params.scope ?? "")) request.error = "invalid_scope";
  else if (params.code_challenge_method && !["S256", "plain"].includes(params.code_challenge_method)) request.error = "invalid_request";
  else if (params.code_challenge && !CHALLENGE.test(params.code_challenge)) request.error = "invalid_request";
  return request;
}

/** The client's redirect_uri with these parameters and the request's `state` added. */
export function redirectWith(a: AuthorizationRequest, values: Record<string, string>): string {
  const url = new URL(a.params.redirect_uri);
  for (const [k, v] of Object.entries(values)) url.searchParams.set(k, v);
  if (a.params.state !== undefined) url.searchParams.set("state", a.params.state);
  return url.toString();
}

function isWebUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}
