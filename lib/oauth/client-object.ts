import { createHash } from "node:crypto";
import type { ClientRecord } from "./clients";

/** A client seen as an ActivityStreams object: the `generator` of activities and the 2-legged principal. */
export interface ClientObject {
  objectType: "person" | "service" | "application";
  id: string;
  url?: string;
  displayName?: string;
  content?: string;
}

/**
 * The client as an activity object (oauth.md §1): a webfinger-registered
 * client is the person `acct:<webfinger>`; a host-registered one the
 * service `http://<host>/`; any other an `application` (or `service` for
 * web clients) with a stable `urn:uuid:` id derived from its consumer key.
 */
export function clientAsObject(client: ClientRecord): ClientObject {
  if (client.webfinger) return { objectType: "person", id: `acct:${client.webfinger}` };
  if (client.host) {
    const url = `http://${client.host}/`;
    return { objectType: "service", id: url, url };
  }
  const obj: ClientObject = {
    objectType: client.type === "web" ? "service" : "application",
    id: `urn:uuid:${uuidV5Shaped(client.consumer_key)}`,
  };
  if (client.title) obj.displayName = client.title;
  if (client.description) obj.content = client.description;
  return obj;
}

/**
 * A version-5-shaped UUID from SHA-1 of `name` with no namespace, as the
 * original's lib/uuidv5.js (so generator ids stay the same after a migration).
 */
export function uuidV5Shaped(name: string): string {
  const b = createHash("sha1").update(name, "utf8").digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
