import { isIP } from "node:net";
import { ConfigError } from "./errors";
import type { PumpConfig, SettableKey } from "./types";

/** `name@host`, optionally as `Display Name <name@host>`. */
const ADDRESS = /^(?:[^<>]*<)?[^\s@<>,;]+@[^\s@<>,;]+(?:>)?$/;

/**
 * The smtp keys (ops.md §3; requireEmail-needs-smtpserver is checked in
 * validate.ts): smtpserver is a bare host; a user name needs its
 * password; smtpfrom is an address.
 * `origin` names where a key was set, for the message.
 */
export function checkEmailConfig(c: PumpConfig, origin: (key: SettableKey) => string, warnings: string[]): void {
  if (c.smtpserver === null) return;
  if (/[\s/]/.test(c.smtpserver) || (c.smtpserver.includes(":") && isIP(c.smtpserver) !== 6)) {
    throw new ConfigError(`smtpserver: ${JSON.stringify(c.smtpserver)} (from ${origin("smtpserver")}) must be a bare host name or IP address such as mail.example.com, without scheme or port (set the port with smtpport).`);
  }
  if (c.smtpuser !== null && c.smtppass === null) {
    throw new ConfigError(`smtpuser is set (from ${origin("smtpuser")}) but smtppass is not: SMTP login needs both. Set smtppass, or remove smtpuser.`);
  }
  if (!ADDRESS.test(c.smtpfrom.trim())) {
    throw new ConfigError(`smtpfrom: ${JSON.stringify(c.smtpfrom)} (from ${origin("smtpfrom")}) is not an email address; use e.g. no-reply@${c.hostname} or "${c.site} <no-reply@${c.hostname}>".`);
  }
  if (c.smtpusessl && c.smtpport === 25) {
    warnings.push(`smtpusessl is on with smtpport 25: implicit TLS usually listens on port 465 (for STARTTLS on 25 or 587 use smtpusetls instead)`);
  }
}
