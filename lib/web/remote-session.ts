import type { Request } from "express";

/** A person of another server logged in here by OAuth at their home server (federation.md §10). */
export interface RemoteSessionPrincipal {
  id: string;
  hostname: string;
  displayName: string;
  url: string | null;
}

declare module "express-session" {
  interface SessionData {
    /** Set by `/main/authorized/:hostname`: the session is a remote person's (never with a local login). */
    remotePrincipal?: RemoteSessionPrincipal;
    /** Where to go after the remote login (`continue` of `/main/remote`). */
    remoteContinue?: string;
  }
}

/** The remote person logged in on this request's session, or null. */
export function remoteViewer(req: Request): RemoteSessionPrincipal | null {
  const p = req.session?.remotePrincipal;
  return p && typeof p.id === "string" ? p : null;
}
