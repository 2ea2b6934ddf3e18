/** Helpers of the realtime tests: web sessions over fetch, and a WebSocket client that queues messages. */
import assert from "node:assert/strict";
import { WebSocket } from "ws";
import { settle } from "../../support/settle";

export const PASSWORD = "white*rabbit9";

/** Registers through the web form; returns the logged-in session's Cookie header and its CSRF token. */
export async function registerSession(base: string, nickname: string): Promise<{ cookie: string; csrf: string }> {
  const jar = new Map<string, string>();
  const call = async (method: string, path: string, form?: Record<string, string>) => {
    const headers: Record<string, string> = { Accept: "text/html" };
    if (jar.size) headers.Cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (form) headers["Content-Type"] = "application/x-www-form-urlencoded";
    await settle(base);
    const res = await fetch(base + path, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return { status: res.status, text: await res.text() };
  };
  const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const form = await call("GET", "/main/register");
  const r = await call("POST", "/main/register", { _csrf: token(form.text), nickname, password: PASSWORD, repeat: PASSWORD });
  assert.equal(r.status, 303, `register ${nickname}: ${r.status} ${r.text.slice(0, 200)}`);
  const home = await call("GET", "/");
  return { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "), csrf: token(home.text) };
}

/** Posts a web form as a logged-in session; returns the JSON answer. */
export async function act(base: string, session: { cookie: string; csrf: string }, action: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  await settle(base);
  const res = await fetch(`${base}/main/${action}`, {
    method: "POST",
    headers: { Cookie: session.cookie, Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": session.csrf },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${action}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export type Message = Record<string, unknown>;

/** A realtime client: every message is queued; `next` waits for the next one matching. */
export class Client {
  readonly messages: Message[] = [];
  private waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString()) as Message;
      const w = this.waiters.find((x) => x.match(m));
      if (w) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(m);
      } else this.messages.push(m);
    });
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<Client> {
    const ws = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new Client(ws)));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  /** The next message (already received or to come) that matches. */
  next(match: (m: Message) => boolean = () => true): Promise<Message> {
    const i = this.messages.findIndex(match);
    if (i >= 0) return Promise.resolve(this.messages.splice(i, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  async follow(url: string): Promise<void> {
    this.ws.send(JSON.stringify({ cmd: "follow", url }));
    await this.next((m) => m.cmd === "followed" && m.url === url);
  }

  /** Every update received so far (and not yet taken by `next`). */
  updates(): Message[] {
    return this.messages.filter((m) => m.cmd === "update");
  }

  close(): void {
    this.ws.close();
  }
}

/** The content of an update's activity object. */
export function contentOf(m: Message): string {
  const a = m.activity as { object?: { content?: string } } | undefined;
  return a?.object?.content ?? "";
}
