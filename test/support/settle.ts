/**
 * Fan-out after a post runs in the server's job queue, after the answer
 * (issue 9). Tests that talk to an in-process server read what earlier
 * writes delivered only once that work is done: `settle(url)` waits for the
 * background jobs of the in-process server at that origin (started by
 * test/support/server.ts). The shared request helpers (signedRequest,
 * plainRequest, the web tests' Browser) call it before each request, so
 * those tests never race the queue; tests of spawned servers poll instead.
 */
const settlers = new Map<string, () => Promise<void>>();

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Registers the in-process server at `url`; returns the function that forgets it. */
export function registerSettler(url: string, settle: () => Promise<void>): () => void {
  const origin = originOf(url);
  if (!origin) return () => undefined;
  settlers.set(origin, settle);
  return () => {
    if (settlers.get(origin) === settle) settlers.delete(origin);
  };
}

/** Waits for the background jobs of the in-process server at `url`'s origin (none known: at once). */
export async function settle(url: string): Promise<void> {
  const origin = originOf(url);
  const fn = origin ? settlers.get(origin) : undefined;
  if (fn) await fn();
}
