/**
 * Shared set-up of the web UI tests: a real server and a tiny browser over
 * fetch that keeps cookies, never follows redirects, and reads the CSRF
 * token out of the forms it is shown.
 */
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { settle } from "../support/settle";

export const PASSWORD = "white*rabbit";

export interface Page {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

/** A cookie-keeping client, like a browser with JavaScript disabled. */
export class Browser {
  private cookies = new Map<string, string>();
  /** The CSRF token of the last form page seen. */
  csrf: string | null = null;

  constructor(readonly base: string) {}

  async request(method: string, path: string, opts: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Page> {
    const headers: Record<string, string> = { Accept: "text/html,application/xhtml+xml,*/*;q=0.8", ...opts.headers };
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (opts.form) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    await settle(this.base);
    const res = await fetch(this.base + path, { method, headers, body, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, location: res.headers.get("location"), text, headers: res.headers };
  }

  get(path: string, headers?: Record<string, string>): Promise<Page> {
    return this.request("GET", path, { headers });
  }

  /** GET that must answer 200 (with a useful message otherwise). */
  async page(path: string): Promise<string> {
    const p = await this.get(path);
    assert.equal(p.status, 200, `GET ${path}: ${p.status} ${p.text.slice(0, 300)}`);
    return p.text;
  }

  /** A form POST with the current CSRF token (fetching `tokenFrom` first when none is known). */
  async submit(path: string, form: Record<string, string>, tokenFrom = "/"): Promise<Page> {
    if (!this.csrf) await this.get(tokenFrom);
    return this.request("POST", path, { form: { _csrf: this.csrf ?? "", ...form } });
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }
}

/** Registers through the web form; the browser is then logged in. */
export async function registerVia(b: Browser, nickname: string, password = PASSWORD): Promise<void> {
  await b.page("/main/register");
  const r = await b.submit("/main/register", { nickname, password, repeat: password });
  assert.equal(r.status, 303, `register ${nickname}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.equal(r.location, "/");
  // Logging in starts a new session: the next page carries its token.
  await b.page("/");
}

export async function startWeb(flags: string[] = []): Promise<TestServer> {
  return startTestServer(flags);
}

/** The text of the element with this id (first match), tags stripped. */
export function textOf(html: string, id: string): string | null {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m ? m[1].replace(/<[^>]*>/g, "").trim() : null;
}

/** The path of the first link to one of `nickname`'s objects of `type` in the page. */
export function objectLink(html: string, nickname: string, type: string): string | null {
  return new RegExp(`href="(?:https?://[^"/]+)?(/${nickname}/${type}/[A-Za-z0-9_-]+)"`).exec(html)?.[1] ?? null;
}
