import type { PumpConfig } from "../config";
import type { Bank } from "../databank";
import type { Logger } from "../log";
import type { UrlMaker } from "../url-maker";
import type { EmailCodes } from "./codes";
import type { MailOutbox } from "./outbox";
import type { RateLimit } from "./rate-limit";
import type { MailTemplates } from "./templates";

/** What the parts of lib/email share (built once by createEmail). */
export interface EmailContext {
  config: Pick<PumpConfig, "site" | "requireEmail" | "haveEmail">;
  bank: Bank;
  log: Logger;
  urls: UrlMaker;
  /** Epoch ms; injectable so tests can let codes expire without waiting. */
  now: () => number;
  codes: EmailCodes;
  rate: RateLimit;
  templates: MailTemplates;
  /** null when no smtpserver is configured: nothing is sent. */
  outbox: MailOutbox | null;
}

/**
 * Renders and queues one message. Never throws: mail is a side effect,
 * and a failure to queue it must not fail what the person was doing.
 */
export async function sendTemplate(ctx: EmailContext, to: string, subject: string, template: string, data: Record<string, unknown>): Promise<boolean> {
  if (!ctx.outbox) return false;
  try {
    const body = ctx.templates.render(template, { ...data, subject });
    await ctx.outbox.send({ to, subject, ...body });
    return true;
  } catch (err) {
    ctx.log.error({ err, template }, "could not queue mail");
    return false;
  }
}
