import { isIP } from "node:net";
import { lookup as dnsLookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/**
 * Which IP addresses outgoing server-to-server requests may connect to.
 *
 * By default only public unicast addresses: loopback (127/8, ::1), private
 * (10/8, 172.16/12, 192.168/16), link-local (169.254/16, fe80::/10),
 * unique-local (fc00::/7), "this network" (0/8), carrier-grade NAT
 * (100.64/10), multicast, broadcast, reserved and documentation ranges are
 * refused, and so are IPv6 forms that embed an IPv4 address we cannot see
 * through (6to4, Teredo, NAT64): a remote server must never make us reach
 * our own machine or network (SSRF). IPv4-mapped IPv6 (::ffff:a.b.c.d) is
 * judged as the IPv4 address it maps.
 *
 * The admin may allow addresses or CIDR ranges anyway (config key
 * `federationAllowedAddresses`, e.g. ["127.0.0.0/8"] for servers on one
 * machine, as the tests do).
 */
export interface AddressPolicy {
  /** True when a connection to this IP literal is allowed. Non-IP strings are refused. */
  allows(ip: string): boolean;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Parses one allow-list entry: a CIDR ("10.0.0.0/8", "fd00::/8") or a
 * single address ("127.0.0.1", which means /32 or /128). Throws a plain
 * Error naming the entry when it is neither (config validation reports it).
 */
export function parseAllowEntry(entry: string): Range {
  const s = entry.trim();
  if (s.includes("/")) {
    try {
      return ipaddr.parseCIDR(s);
    } catch {
      throw new Error(`${JSON.stringify(entry)} is not an IP address or CIDR range`);
    }
  }
  if (!ipaddr.isValid(s)) throw new Error(`${JSON.stringify(entry)} is not an IP address or CIDR range`);
  const addr = ipaddr.parse(s);
  return [addr, addr.kind() === "ipv4" ? 32 : 128];
}

/** The address as IPv4 when it is an IPv4-mapped IPv6 address, else as parsed; null if not an IP. */
function normalise(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  // Zone ids (fe80::1%eth0) name a link: never a public destination.
  if (bare.includes("%")) return null;
  if (!ipaddr.isValid(bare)) return null;
  // ipaddr.isValid accepts odd IPv4 forms ("0x7f.1", "2130706433"); only dotted quads are what connect() will use.
  if (isIP(bare) === 0) return null;
  const addr = ipaddr.parse(bare);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return (addr as ipaddr.IPv6).toIPv4Address();
  return addr;
}

function inRange(addr: ipaddr.IPv4 | ipaddr.IPv6, [net, bits]: Range): boolean {
  if (addr.kind() !== net.kind()) return false;
  return addr.match(net, bits);
}

/**
 * Builds the policy from the admin's allow-list (CIDRs or addresses).
 * Only public unicast addresses pass unless listed.
 */
export function createAddressPolicy(allowed: readonly string[] = []): AddressPolicy {
  const ranges = allowed.map(parseAllowEntry);
  return {
    allows(ip: string): boolean {
      const addr = normalise(ip);
      if (!addr) return false;
      if (ranges.some((r) => inRange(addr, r))) return true;
      // "unicast" is ipaddr's name for everything outside its special ranges.
      return addr.range() === "unicast";
    },
  };
}

/** One resolved address, as dns.lookup gives it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses; tests pass their own (no real DNS). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address. */
export const systemResolver: Resolver = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Why a host was refused: no address at all, or only forbidden ones. */
export class AddressRefusedError extends Error {
  constructor(
    readonly hostname: string,
    readonly addresses: readonly string[],
  ) {
    super(
      addresses.length === 0
        ? `${hostname} has no address`
        : `${hostname} resolves only to addresses this server may not contact (${addresses.join(", ")}); an admin can allow them with federationAllowedAddresses`,
    );
    this.name = "AddressRefusedError";
  }
}

/**
 * Resolves `hostname` (or takes an IP literal as is) and returns the
 * addresses the policy allows, in resolver order. Throws
 * AddressRefusedError when none is allowed. A name resolving to a mix keeps
 * only the allowed ones, so a later connection can only use those.
 */
export async function checkHost(hostname: string, policy: AddressPolicy, resolver: Resolver = systemResolver): Promise<ResolvedAddress[]> {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  const literal = isIP(bare);
  const resolved: ResolvedAddress[] = literal ? [{ address: bare, family: literal === 6 ? 6 : 4 }] : await resolver(bare);
  const ok = resolved.filter((a) => policy.allows(a.address));
  if (ok.length === 0) throw new AddressRefusedError(bare, resolved.map((a) => a.address));
  return ok;
}
