/**
 * Builds every absolute URL the server hands out, exactly as the original's
 * URLMaker: scheme https only when urlPort is 443, port omitted for 80/443,
 * optional urlPath prefix.
 */
export interface UrlConfig {
  hostname: string;
  urlPort: number;
  urlPath: string | null;
}

export class UrlMaker {
  readonly hostname: string;
  readonly port: number;
  readonly path: string;

  constructor(config: UrlConfig) {
    this.hostname = config.hostname;
    this.port = config.urlPort;
    this.path = normalisePathPrefix(config.urlPath);
  }

  get scheme(): "http" | "https" {
    return this.port === 443 ? "https" : "http";
  }

  /** `host` or `host:port`, as it appears in URLs and in the canonical Host header. */
  get host(): string {
    return this.port === 80 || this.port === 443 ? this.hostname : `${this.hostname}:${this.port}`;
  }

  /** The site's origin (scheme://host[:port]), without urlPath. */
  get origin(): string {
    return `${this.scheme}://${this.host}`;
  }

  /** The site's origin plus urlPath, without a trailing slash. */
  get base(): string {
    return `${this.origin}${this.path}`;
  }

  /** An absolute URL for a path (with or without a leading slash) and optional query. */
  makeURL(relative: string, query?: Record<string, string | number | undefined>): string {
    const rel = relative.startsWith("/") ? relative : `/${relative}`;
    let url = `${this.base}${rel}`;
    if (query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.append(k, String(v));
      const s = qs.toString();
      if (s) url += `?${s}`;
    }
    return url;
  }
}

function normalisePathPrefix(p: string | null): string {
  if (!p) return "";
  const trimmed = p.replace(/\/+$/, "");
  if (!trimmed) return "";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}
