import { readFileSync } from "node:fs";

/** Bit of CAP_NET_BIND_SERVICE in the capability sets (linux/capability.h). */
const CAP_NET_BIND_SERVICE = 10n;

/**
 * True when this process may listen on ports below 1024 without being
 * root: its effective capabilities hold CAP_NET_BIND_SERVICE (the systemd
 * unit grants it with AmbientCapabilities). False where that cannot be
 * read (not Linux).
 */
export function canBindPrivilegedPorts(statusFile = "/proc/self/status"): boolean {
  let text: string;
  try {
    text = readFileSync(statusFile, "utf8");
  } catch {
    return false;
  }
  const m = /^CapEff:\s*([0-9a-f]+)$/im.exec(text);
  return m ? ((BigInt(`0x${m[1]}`) >> CAP_NET_BIND_SERVICE) & 1n) === 1n : false;
}
