import type { Request } from "express";
import type { PumpConfig } from "../config";
import type { Engine, Viewer } from "../activity";
import { ANONYMOUS } from "../activity";
import type { AS } from "../model/as";
import type { UrlMaker } from "../url-maker";
import { csrfToken } from "./csrf";
import { publicPath } from "../http/url-path";
import { remoteViewer } from "./remote-session";

/** The request property the notifications router leaves the unread count under. */
export const UNREAD_KEY = Symbol.for("pump.web.unread");

/** Items shown per page of a stream. */
export const PAGE_SIZE = 20;

/** A stream as templates show it. */
export interface StreamView {
  items: AS[];
  total: number | null;
  /** The API URL of the stream (`data-stream-url`), for the client script. */
  url: string;
  /** The "Older" link (this page with the `before` cursor), or null on the last page. */
  older: string | null;
}

/** The logged-in local user as templates see them. */
export interface PageViewer {
  nickname: string;
  personId: string;
}

/** Builds what every page's template needs. */
export class PageData {
  constructor(
    private readonly deps: { config: Readonly<PumpConfig>; urls: UrlMaker; engine: Engine; nicknameOf: (req: Request) => string | null },
  ) {}

  viewer(req: Request): PageViewer | null {
    const nickname = this.deps.nicknameOf(req);
    return nickname ? { nickname, personId: this.deps.engine.personId(nickname) } : null;
  }

  /** The engine's Viewer for the request (anonymous when not logged in). */
  engineViewer(req: Request): Viewer {
    const v = this.viewer(req);
    return v ? { nickname: v.nickname, personId: v.personId } : ANONYMOUS;
  }

  /** A path of this site as the browser sees it: with the urlPath prefix. */
  sitePath(path: string): string {
    return `${this.deps.urls.path}${path}`;
  }

  /** This request's path and query as the browser sees them (with urlPath). */
  here(req: Request): string {
    return publicPath(req, this.deps.urls.path);
  }

  /** Layout data: viewer, CSRF token (forms), navigation, where forms return to. */
  common(req: Request, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const viewer = this.viewer(req);
    const { config } = this.deps;
    // A remote person's session shows who they are, never local-only controls (viewer stays null).
    const remote = viewer ? null : remoteViewer(req);
    return {
      viewer,
      remoteViewer: remote,
      // Only pages with forms need a token (and so a session); a logged-in page always has forms.
      csrf: viewer || remote || extra.forms ? csrfToken(req) : null,
      disableRegistration: config.disableRegistration,
      requireEmail: config.requireEmail,
      haveEmail: config.haveEmail,
      canUpload: config.canUpload,
      // `sockjs: false` (the original's key) turns realtime updates off.
      realtime: config.sockjs,
      mainImage: config.mainImage,
      prefix: this.deps.urls.path,
      returnTo: safeReturnPath(this.here(req), this.sitePath("/")),
      // Set by the notifications router for logged-in GETs (the navigation's badge).
      unread: (req as unknown as Record<symbol, unknown>)[UNREAD_KEY] ?? 0,
      notifyStreams: viewer ? [`/api/user/${viewer.nickname}/inbox/major`, `/api/user/${viewer.nickname}/inbox/minor`].map((p) => this.deps.urls.makeURL(p)).join(" ") : "",
      ...extra,
    };
  }

  /** A page of a stream: the query's `before` cursor (named `param`), PAGE_SIZE items. */
  async stream(
    req: Request,
    apiPath: string,
    load: (query: Record<string, unknown>) => Promise<AS>,
    param = "before",
  ): Promise<StreamView> {
    const before = typeof req.query[param] === "string" ? (req.query[param] as string) : undefined;
    const json = await load(before ? { count: PAGE_SIZE, before } : { count: PAGE_SIZE });
    const items = Array.isArray(json.items) ? (json.items as AS[]) : [];
    const last = items[items.length - 1];
    let older: string | null = null;
    if (items.length >= PAGE_SIZE && last && typeof last.id === "string") {
      const path = this.here(req).split("?")[0];
      older = `${path}?${new URLSearchParams({ [param]: last.id }).toString()}`;
    }
    return { items, total: typeof json.totalItems === "number" ? json.totalItems : null, url: this.deps.urls.makeURL(apiPath), older };
  }
}

/**
 * A local path to send the browser back to: must be one of our paths
 * (starts with a single "/"), else `fallback`. Stops open redirects.
 */
export function safeReturnPath(value: unknown, fallback: string): string {
  if (typeof value !== "string" || value === "") return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\") || /[\r\n]/.test(value)) return fallback;
  return value;
}
