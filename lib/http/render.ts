import { Eta } from "eta";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../version";
import { sanitizeHtml } from "../model/html";
import { createViewHelpers } from "../web/view-helpers";
import { clientBundlePath } from "../web/client-bundle";

/** Server-side HTML rendering from views/ (auto-escaped templates, one layout). */
export interface PageRenderer {
  /** Renders `views/<view>.eta` with the layout's common data filled in. */
  render(view: string, data: Record<string, unknown>): string;
  /** The friendly error page (in the layout); `extra` may add the viewer etc. */
  errorPage(status: number, message: string, extra?: Record<string, unknown>): string;
  /** Script URLs every page loads (the client bundle when built, then config `scripts`). */
  readonly scripts: readonly string[];
}

/** Optional site details for the layout. */
export interface RendererOptions {
  /** The site's base URL (own links become paths). */
  base?: string;
  /** urlPath prefix for our own asset links ("" or "/path"). */
  prefix?: string;
  owner?: string | null;
  ownerURL?: string | null;
  /** Extra footer HTML (config `appendFooter`), sanitised once here like user HTML. */
  appendFooter?: string | null;
  /** Extra script URLs (config `scripts`), loaded after the client bundle. */
  scripts?: readonly string[];
  /** Hide the Register link (config `disableRegistration`). */
  disableRegistration?: boolean;
  /** Public directory (to find the client bundle). */
  publicDir?: string;
  /** Load the unminified client bundle (config `debugClient`). */
  debugClient?: boolean;
}

/** Where the client-script engineer's esbuild bundle lands (public/build/pump.js). */
export const CLIENT_BUNDLE = "build/pump.js";

const STATUS_TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Not logged in",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  406: "Not acceptable",
  409: "Conflict",
  410: "Gone",
  413: "Too large",
  429: "Too many requests",
  500: "Something went wrong",
};

const STATUS_HINTS: Record<number, string> = {
  403: "You don't have access to this page, or the form you sent was not valid any more.",
  404: "There is nothing at this address. It may have been deleted, or the link is wrong.",
  429: "Please wait a little before trying again.",
  500: "The server had a problem answering. It has been logged; please try again later.",
};

export function createRenderer(site: string, viewsDir = join(packageRoot(), "views"), opts: RendererOptions = {}): PageRenderer {
  const eta = new Eta({ views: viewsDir, autoEscape: true, cache: true });
  const prefix = opts.prefix ?? "";
  const h = createViewHelpers(opts.base ?? "");
  const publicDir = opts.publicDir ?? join(packageRoot(), "public");
  // The fingerprinted bundle named by public/build/manifest.json (scripts/build-client.mjs).
  const bundle = clientBundlePath(publicDir, opts.debugClient) ?? (existsSync(join(publicDir, CLIENT_BUNDLE)) ? CLIENT_BUNDLE : null);
  const scripts = [
    ...(bundle ? [`${prefix}/${bundle}`] : []),
    ...(opts.scripts ?? []),
  ];
  const common = {
    site,
    h,
    prefix,
    viewer: null,
    csrf: null,
    scripts,
    footer: { owner: opts.owner ?? null, ownerURL: opts.ownerURL ?? null, append: opts.appendFooter ? sanitizeHtml(opts.appendFooter) : null },
    disableRegistration: opts.disableRegistration ?? false,
  };
  return {
    scripts,
    render(view, data) {
      return eta.render(view, { ...common, ...data });
    },
    errorPage(status, message, extra = {}) {
      return eta.render("error", {
        ...common,
        ...extra,
        status,
        title: STATUS_TITLES[status] ?? "Error",
        hint: STATUS_HINTS[status] ?? null,
        message,
      });
    },
  };
}
