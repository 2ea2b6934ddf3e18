import { Eta } from "eta";
import { join } from "node:path";
import { packageRoot } from "../version";

/** Server-side HTML rendering from views/ (auto-escaped templates). */
export interface PageRenderer {
  render(view: string, data: Record<string, unknown>): string;
  errorPage(status: number, message: string): string;
}

const STATUS_TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Not logged in",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  410: "Gone",
  413: "Too large",
  429: "Too many requests",
  500: "Something went wrong",
};

export function createRenderer(site: string, viewsDir = join(packageRoot(), "views")): PageRenderer {
  const eta = new Eta({ views: viewsDir, autoEscape: true, cache: true });
  return {
    render(view, data) {
      return eta.render(view, { site, ...data });
    },
    errorPage(status, message) {
      return eta.render("error", { site, status, title: STATUS_TITLES[status] ?? "Error", message });
    },
  };
}
