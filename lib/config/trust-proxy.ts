import { isIP } from "node:net";

/** Names Express (proxy-addr) accepts for well-known ranges. */
const RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** The largest hop count we accept (more hops than any real proxy chain). */
const MAX_HOPS = 100;

/** Outcome of reading a `trustProxy` value: the value, or why it is not one. */
export type TrustProxyResult = { ok: true; value: boolean | number | string[] } | { ok: false; what: string };

/**
 * Why one entry (an address, `address/prefix`, `address/netmask` or a range
 * name) is not something Express' `trust proxy` understands, or null when it is.
 * Checked here so a typo stops the start with the key named, instead of a
 * TypeError deep inside Express.
 */
function entryProblem(entry: string): string | null {
  if (RANGE_NAMES.has(entry)) return null;
  const [addr, range, ...rest] = entry.split("/");
  const family = isIP(addr ?? "");
  if (family === 0 || rest.length > 0) {
    return `has "${entry}", which is not an IP address, a subnet (address/bits) or one of ${[...RANGE_NAMES].join(", ")} (host names are not accepted)`;
  }
  if (range === undefined) return null;
  const maxBits = family === 4 ? 32 : 128;
  if (/^\d+$/.test(range) ? Number(range) <= maxBits : isIP(range) === family) return null;
  return `has "${entry}", whose prefix length or netmask is not valid`;
}

function fromList(entries: string[]): TrustProxyResult {
  const list = entries.map((e) => e.trim()).filter((e) => e !== "");
  for (const e of list) {
    const problem = entryProblem(e);
    if (problem) return { ok: false, what: problem };
  }
  return { ok: true, value: list.length === 0 ? false : list };
}

function fromHops(n: number): TrustProxyResult {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_HOPS) return { ok: false, what: `is not a number of proxy hops between 0 and ${MAX_HOPS}` };
  return { ok: true, value: n };
}

/**
 * Reads the text of an env var or flag: true/false words, a hop count
 * ("1" means one proxy hop, as in Express, not true), a JSON array, or a
 * comma-separated list of addresses and subnets.
 */
export function trustProxyFromText(text: string): TrustProxyResult {
  const t = text.trim();
  if (/^[+-]?\d+$/.test(t)) return fromHops(Number(t));
  const word = t.toLowerCase();
  if (["true", "yes", "on"].includes(word)) return { ok: true, value: true };
  if (["false", "no", "off", ""].includes(word)) return { ok: true, value: false };
  if (t.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return { ok: false, what: "is not valid JSON; expected an array of addresses" };
    }
    return trustProxyFromJson(parsed);
  }
  return fromList(t.split(","));
}

/** Reads a value from a JSON config file: boolean, hop count, address string or list of them. */
export function trustProxyFromJson(value: unknown): TrustProxyResult {
  if (typeof value === "boolean") return { ok: true, value };
  if (typeof value === "number") return fromHops(value);
  if (typeof value === "string") return trustProxyFromText(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return fromList(value as string[]);
  return { ok: false, what: "must be true, false, a number of hops, or an address, subnet or list of them" };
}
