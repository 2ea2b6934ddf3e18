import type { Bank } from "../databank";
import { BadRequestError, ForbiddenError, NotFoundError } from "../errors";
import { createClient, readClient, updateClient, type ClientProps, type ClientRecord } from "./clients";
import { safeEqual } from "./random";

/** The answer to a successful registration or update (oauth.md §1). */
export interface RegistrationResult {
  client_id: string;
  client_secret: string;
  expires_at: 0;
}

/** An identity proven by Dialback for the registering server or user (oauth.md §7). */
export interface DialbackIdentity {
  host?: string;
  webfinger?: string;
}

const EMAIL = /^[^\s@,;<>()"]+@[^\s@,;<>()"]+\.[^\s@,;<>()".]+$/;

/** A single absolute http(s) URL with a host and no whitespace. */
function isHttpUrl(s: string): boolean {
  if (/\s/.test(s)) return false;
  // Two URLs glued together ("http://a.example/http://b.example/") are refused.
  if ((s.match(/https?:/gi) ?? []).length !== 1) return false;
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new BadRequestError(`${name} must be a string.`);
  return v;
}

/**
 * Checks a registration request in the original's order and returns the
 * client props it describes. Every failure is a 400 with the original text.
 */
export function parseRegistration(body: Record<string, unknown>): { type: string; props: ClientProps } {
  const type = body.type;
  if (type === undefined || type === null || type === "") throw new BadRequestError("No registration type provided");
  if (body.client_id !== undefined && type !== "client_update") throw new BadRequestError("Only set client_id for update.");
  if (body.access_token !== undefined) throw new BadRequestError("access_token not needed for registration.");
  if (body.client_secret !== undefined && type !== "client_update") throw new BadRequestError("Only set client_secret for update.");

  const props: ClientProps = {};
  if (body.contacts !== undefined) {
    if (typeof body.contacts !== "string") throw new BadRequestError("contacts must be a string of space-separated email addresses.");
    const contacts = body.contacts.split(" ").filter((c) => c !== "");
    if (!contacts.every((c) => EMAIL.test(c))) throw new BadRequestError("contacts must be space-separate email addresses.");
    props.contacts = contacts;
  }
  const appType = body.application_type;
  if (appType === undefined || appType === null) props.type = null;
  else if (appType === "web" || appType === "native") props.type = appType;
  else throw new BadRequestError("Unknown application_type.");

  const title = optionalString(body, "application_name");
  if (title !== undefined) props.title = title;
  const description = optionalString(body, "application_description");
  if (description !== undefined) props.description = description;

  if (body.logo_url !== undefined) {
    if (typeof body.logo_url !== "string" || !isHttpUrl(body.logo_url)) throw new BadRequestError("Invalid logo_url.");
    props.logo_url = body.logo_url;
  }
  if (body.redirect_uris !== undefined) {
    const bad = new BadRequestError("redirect_uris must be space-separated URLs.");
    if (typeof body.redirect_uris !== "string") throw bad;
    const uris = body.redirect_uris.split(" ").filter((u) => u !== "");
    // Non-http(s) schemes crashed the original's check; we refuse them.
    if (!uris.every(isHttpUrl)) throw bad;
    props.redirect_uris = uris;
  }
  if (type !== "client_associate" && type !== "client_update") throw new BadRequestError("Invalid registration type");
  return { type, props };
}

/**
 * POST /api/client/register: `client_associate` makes a new client,
 * `client_update` changes one given its id and secret. `dialback` is the
 * identity proven by the caller's Dialback header, if any.
 */
export async function registerClient(
  bank: Bank,
  body: Record<string, unknown>,
  dialback: DialbackIdentity | null = null,
): Promise<RegistrationResult> {
  const { type, props } = parseRegistration(body);
  if (dialback?.webfinger) props.webfinger = dialback.webfinger;
  else if (dialback?.host) props.host = dialback.host;

  let client: ClientRecord;
  if (type === "client_associate") {
    client = await createClient(bank, props);
  } else {
    const id = body.client_id;
    const secret = body.client_secret;
    if (typeof id !== "string" || id === "") throw new BadRequestError("client_id required for update.");
    const current = await readClient(bank, id);
    if (!current) throw new NotFoundError(`No such client: '${id}'`);
    if (typeof secret !== "string" || !safeEqual(secret, current.secret)) throw new ForbiddenError("Unauthorized");
    client = await updateClient(bank, current, props);
  }
  return { client_id: client.consumer_key, client_secret: client.secret, expires_at: 0 };
}
