import type { RemotePrincipal } from "./receive";

/** `host[:port]` of an `acct:user@host` or http(s) id, lower-cased; null otherwise. */
export function hostOfId(id: string): string | null {
  if (id.startsWith("acct:")) {
    const at = id.lastIndexOf("@");
    return at > 5 ? id.slice(at + 1).toLowerCase() : null;
  }
  if (!/^https?:\/\//i.test(id) || !URL.canParse(id)) return null;
  return new URL(id).host.toLowerCase();
}

/**
 * Does an activity's (canonical) actor id belong to the Dialback-bound
 * principal? A host client may speak for any id on that host (and port).
 * A webfinger client `user@host` speaks for `acct:user@host` and for the
 * profile URL pump.io servers give people on a non-default port
 * (`http(s)://host/api/user/<user>/profile`) — nothing else on that host.
 */
export function actorBelongsTo(actorId: string, principal: RemotePrincipal): boolean {
  if (principal.kind === "host") {
    const host = hostOfId(principal.id);
    return host !== null && hostOfId(actorId) === host;
  }
  const wf = principal.id.replace(/^acct:/, "");
  const at = wf.lastIndexOf("@");
  if (at <= 0) return false;
  const user = wf.slice(0, at);
  const host = wf.slice(at + 1).toLowerCase();
  if (actorId.toLowerCase() === `acct:${wf.toLowerCase()}`) return true;
  if (hostOfId(actorId) !== host) return false;
  const path = new URL(actorId).pathname;
  return path === `/api/user/${encodeURIComponent(user)}/profile`;
}
