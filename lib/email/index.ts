import type { PumpConfig } from "../config";
import type { Bank } from "../databank";
import type { Logger } from "../log";
import type { UrlMaker } from "../url-maker";
import { EmailCodes } from "./codes";
import { Confirmation } from "./confirmation";
import type { EmailContext } from "./context";
import { createMailer, type MailerConfig } from "./mailer";
import { Notifications } from "./notifications";
import { MailOutbox } from "./outbox";
import { RateLimit } from "./rate-limit";
import { Recovery } from "./recovery";
import { EmailSettings } from "./settings";
import { MailTemplates } from "./templates";

export { Confirmation, CONFIRM_TTL_MS, RESEND_INTERVAL_MS, invalidLink, type Confirmed } from "./confirmation";
export { Recovery, RECOVER_TTL_MS } from "./recovery";
export type { EmailSettingsView } from "./settings";

/** Email (ops.md §3): on when `smtpserver` is set. */
export interface EmailService {
  /** True when mail can be sent (config `smtpserver`). */
  readonly enabled: boolean;
  readonly confirmation: Confirmation;
  readonly recovery: Recovery;
  readonly notifications: Notifications;
  readonly settings: EmailSettings;
  /** Sends mail a previous worker left unsent (once per worker at startup); returns how many. */
  start(): Promise<number>;
  /** Messages waiting to be sent (0 without smtpserver), for metrics. */
  pending(): Promise<number>;
  /** Resolves when no message is being handed to the SMTP server. */
  idle(): Promise<void>;
  /** Stops sending (unsent mail stays queued in the bank). */
  close(): Promise<void>;
}

export interface EmailDeps {
  config: Readonly<PumpConfig>;
  bank: Bank;
  log: Logger;
  urls: UrlMaker;
  /** Epoch ms (default Date.now): tests move it to expire codes. */
  now?: () => number;
  /** Told of each failed attempt to hand a message to the SMTP server (metrics). */
  onSendFailure?: () => void;
}

/** Builds the email service; nothing is sent or connected until something asks. */
export function createEmail(deps: EmailDeps): EmailService {
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ component: "mail" });
  const { config } = deps;
  const outbox = config.smtpserver ? new MailOutbox(deps.bank, createMailer(config as MailerConfig), log, now, deps.onSendFailure) : null;
  const ctx: EmailContext = {
    config,
    bank: deps.bank,
    log,
    urls: deps.urls,
    now,
    codes: new EmailCodes(deps.bank, now),
    rate: new RateLimit(deps.bank, now),
    templates: new MailTemplates({ site: config.site, base: deps.urls.base }),
    outbox,
  };
  const confirmation = new Confirmation(ctx);
  return {
    enabled: outbox !== null,
    confirmation,
    settings: new EmailSettings(ctx, confirmation),
    recovery: new Recovery(ctx),
    notifications: new Notifications(ctx),
    start: async () => (outbox ? outbox.recover() : 0),
    pending: async () => (outbox ? outbox.pending() : 0),
    idle: async () => outbox?.idle(),
    close: async () => outbox?.close(),
  };
}
