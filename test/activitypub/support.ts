/** Shared bits of the ActivityPub end-to-end tests. */

export const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
/** Our in-process server may federate with the loopback peers. */
export const LOOPBACK = ["--driver", "memory", "--federationAllowedAddresses", "127.0.0.0/8"];

/** Polls until `check` gives a value (deliveries are background jobs); no timing assertion. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
