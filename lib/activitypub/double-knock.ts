/**
 * Which HTTP signature scheme each remote host accepts, learnt by
 * "double-knocking": a host we know nothing about gets the first knock,
 * and when it answers 400 or 401 the same request again signed the other
 * way; whichever gets through is remembered for that host.
 *
 * Order: RFC 9421 first, draft-cavage second. That is fedify 1.6+'s default
 * (`firstKnock: "rfc9421"`, with the working spec remembered per origin);
 * Mastodon verifies RFC 9421 since 4.4 and still accepts cavage, so a peer
 * that speaks both is answered in the standard, and one that speaks only
 * cavage costs one extra request per host per TTL.
 */
export type SignatureSpec = "rfc9421" | "cavage";

export const FIRST_KNOCK: SignatureSpec = "rfc9421";

export function otherSpec(spec: SignatureSpec): SignatureSpec {
  return spec === "rfc9421" ? "cavage" : "rfc9421";
}

/** A bounded, expiring map host -> spec (per process; relearning costs one request). */
export class KnockMemory {
  private readonly entries = new Map<string, { spec: SignatureSpec; until: number }>();

  constructor(
    private readonly max = 2000,
    private readonly ttlMs = 24 * 3600 * 1000,
  ) {}

  get(host: string): SignatureSpec | undefined {
    const e = this.entries.get(host);
    if (!e) return undefined;
    if (e.until < Date.now()) {
      this.entries.delete(host);
      return undefined;
    }
    return e.spec;
  }

  remember(host: string, spec: SignatureSpec): void {
    this.entries.delete(host);
    // Oldest first in a Map: drop the oldest entry when full.
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(host, { spec, until: Date.now() + this.ttlMs });
  }

  forget(host: string): void {
    this.entries.delete(host);
  }
}

/** The memory the signed requests of this process share. */
export const knockMemory = new KnockMemory();
