/**
 * Shared set-up of the email tests: a real SMTP server (`smtp-server`) on
 * 127.0.0.1 that keeps every message, a small MIME reader for the text and
 * HTML parts nodemailer writes, and the app server pointed at it with a
 * clock the test can move forward.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import type { Logger } from "../../lib/log";
import { startTestServer, type TestServer } from "../support/server";
import type { Browser, Page } from "../web/support";

/** One received message. */
export interface Mail {
  from: string;
  to: string[];
  subject: string;
  headers: Record<string, string>;
  text: string;
  html: string;
}

/** How long a test waits for a message before failing (a bound, not a timing threshold). */
const WAIT_MS = 10_000;

export class MailSink {
  readonly received: Mail[] = [];
  private read = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<MailSink> {
    let sink: MailSink | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const mail = parseMail(Buffer.concat(chunks).toString("utf8"));
          mail.from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
          mail.to = session.envelope.rcptTo.map((r) => r.address);
          sink!.push(mail);
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
    sink = new MailSink(server, port);
    return sink;
  }

  private push(mail: Mail): void {
    this.received.push(mail);
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next message not yet taken (waits for it). */
  async next(): Promise<Mail> {
    const deadline = Date.now() + WAIT_MS;
    while (this.read >= this.received.length) {
      const left = deadline - Date.now();
      assert.ok(left > 0, `no mail arrived within ${WAIT_MS} ms (taken so far: ${this.read})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received[this.read++]!;
  }

  /** Messages that arrived but were not taken. */
  get untaken(): Mail[] {
    return this.received.slice(this.read);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The link to our server in a mail's text, whose path starts with `prefix`. */
export function linkIn(mail: Mail, prefix: string): string {
  const m = new RegExp(`https?://[^\\s/]+(${prefix.replace(/[/]/g, "\\/")}[^\\s<>"]*)`).exec(mail.text);
  assert.ok(m, `no ${prefix} link in: ${mail.text}`);
  return m[1]!;
}

/** A clock the test moves: the app's email code reads it. */
export class TestClock {
  offset = 0;
  readonly now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** The app with email on, sending to `sink`; `flags` adds pump flags (e.g. --requireEmail). */
export async function startEmailServer(sink: { port: number }, flags: string[] = [], opts: { clock?: TestClock; log?: Logger } = {}): Promise<TestServer> {
  return startTestServer(
    ["--smtpserver", "127.0.0.1", "--smtpport", String(sink.port), "--smtpusetls", "false", "--site", "Mailtest", ...flags],
    { now: opts.clock?.now, log: opts.log },
  );
}

/** A logger that keeps its JSON lines, and can wait for one. */
export class LogSink {
  readonly lines: Array<Record<string, unknown>> = [];
  private waiters: Array<() => void> = [];
  readonly logger: Logger;

  constructor() {
    const stream = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        for (const w of this.waiters.splice(0)) w();
        done();
      },
    });
    this.logger = pino({ level: "info" }, stream);
  }

  /** The first line matching `test` (waits for it). */
  async waitFor(test: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.lines.find(test);
      if (found) return found;
      const left = deadline - Date.now();
      assert.ok(left > 0, "the expected log line was not written");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

// --- A small MIME reader (nodemailer's output: multipart/alternative, quoted-printable or base64 parts) ---

function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r\n/g, "\n").replace(/\n[ \t]+/g, " ").split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function split(raw: string): { headers: Record<string, string>; body: string } {
  const text = raw.replace(/\r\n/g, "\n");
  const i = text.indexOf("\n\n");
  return i < 0 ? { headers: parseHeaders(text), body: "" } : { headers: parseHeaders(text.slice(0, i)), body: text.slice(i + 2) };
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? "").toLowerCase();
  if (enc === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (enc === "quoted-printable") {
    const soft = body.replace(/=\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft.slice(i + 1, i + 3);
      if (soft[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]!, "utf8"));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}

/** `=?UTF-8?Q?...?=` / `=?UTF-8?B?...?=` words in a header. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, kind: string, data: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(data, "base64").toString("utf8")
        : decodeURIComponent(data.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, "%$1")),
    );
}

export function parseMail(raw: string): Mail {
  const { headers, body } = split(raw);
  const mail: Mail = { from: "", to: [], subject: decodeWords(headers.subject ?? ""), headers, text: "", html: "" };
  const boundary = /boundary="?([^";]+)"?/i.exec(headers["content-type"] ?? "")?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1).map(split) : [{ headers, body }];
  for (const p of parts) {
    const type = (p.headers["content-type"] ?? "text/plain").toLowerCase();
    const content = decodeBody(p.body.replace(/\n$/, ""), p.headers["content-transfer-encoding"]);
    if (type.startsWith("text/plain")) mail.text = content;
    else if (type.startsWith("text/html")) mail.html = content;
  }
  return mail;
}

/** Opens a confirmation link like a person: the page, then its button. Returns the page after. */
export async function confirmVia(b: Browser, mail: Mail): Promise<Page> {
  const path = linkIn(mail, "/main/confirm/");
  await b.page(path);
  const r = await b.submit(path, {});
  assert.equal(r.status, 200, `confirm: ${r.status} ${r.text.slice(0, 300)}`);
  assert.match(r.text, /id="confirm-done"/);
  return r;
}
