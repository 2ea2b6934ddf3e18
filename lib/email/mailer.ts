import type { Transporter } from "nodemailer";
import type { PumpConfig } from "../config";

/** One outgoing message: a text part and its HTML alternative. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends mail. The only place that knows nodemailer. */
export interface Mailer {
  /** Hands the message to the SMTP server; rejects when it is refused or unreachable. */
  send(message: MailMessage): Promise<void>;
  /** Closes the pooled connection. */
  close(): void;
}

export type MailerConfig = Pick<
  PumpConfig,
  "smtpserver" | "smtpport" | "smtpuser" | "smtppass" | "smtpusetls" | "smtpusessl" | "smtptimeout" | "smtpfrom" | "hostname" | "site"
>;

/**
 * The SMTP transport for the `smtp*` keys (config.md §2): `smtpusessl` is
 * implicit TLS, `smtpusetls` STARTTLS when the server offers it (off:
 * never), `smtptimeout` bounds connecting, greeting and each socket wait,
 * the EHLO name is `hostname`. One pooled connection: messages leave in
 * the order they were handed over, and a busy site reuses the connection.
 *
 * nodemailer is loaded with the first message, not at start: it costs every
 * worker about 13 MB, and most workers of a site never send mail.
 */
export function createMailer(config: MailerConfig): Mailer {
  const host = config.smtpserver;
  if (!host) throw new Error("createMailer needs smtpserver");
  let transport: Promise<Transporter> | null = null;
  let closed = false;
  const open = (): Promise<Transporter> => (transport ??= import("nodemailer").then(({ default: nodemailer }) => nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    host,
    port: config.smtpport,
    secure: config.smtpusessl,
    ignoreTLS: !config.smtpusetls && !config.smtpusessl,
    auth: config.smtpuser ? { user: config.smtpuser, pass: config.smtppass ?? "" } : undefined,
    name: config.hostname,
    connectionTimeout: config.smtptimeout,
    greetingTimeout: config.smtptimeout,
    socketTimeout: config.smtptimeout,
  })));
  // smtpfrom may already carry a display name ("Site <no-reply@host>").
  const from = config.smtpfrom.includes("<") ? config.smtpfrom : { name: config.site, address: config.smtpfrom };
  return {
    async send(message) {
      if (closed) throw new Error("The mailer is closed");
      const t = await open();
      await t.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
    close() {
      closed = true;
      transport?.then((t) => t.close(), () => undefined);
    },
  };
}
