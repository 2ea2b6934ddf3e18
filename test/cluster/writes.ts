// A write load through the real API: OAuth-signed (2-legged) registrations
// of fresh users, each a committed write when acknowledged with 200.
import { clientCreds, oauthClient, registerClient, signedRequest, type ClientCreds } from "../support/oauth-client";

export const PASSWORD = "correct-horse-battery-9";

export interface Writers {
  client: ClientCreds;
  /** Nicknames whose registration was acknowledged (200). */
  acked: string[];
  /** Registrations that failed: connection errors or non-200 answers. */
  failures: string[];
  stop(): Promise<void>;
  /** Resolves once `n` more writes have been acknowledged, or rejects at the first failure. */
  waitForAcks(n: number): Promise<void>;
}

/** Registers a client, then runs `concurrency` loops registering users `<prefix><n>`. */
export async function startWriters(baseUrl: string, concurrency: number, prefix: string, opts: { tolerateFailures?: boolean } = {}): Promise<Writers> {
  const client = await registerClient(baseUrl);
  // One registration alone first: the very first one also creates site-wide
  // objects, which two workers racing on it currently collide over (a 400
  // "Already have a(n) 'activityobject'"; reported to the API's owner).
  const first = `${prefix}first`;
  const res = await signedRequest(baseUrl, clientCreds(client), "POST", "/api/users", { nickname: first, password: PASSWORD });
  if (res.status !== 200) throw new Error(`first registration failed: ${res.status} ${res.text}`);
  const acked: string[] = [first];
  const failures: string[] = [];
  const waiters: Array<{ target: number; resolve: () => void; reject: (err: Error) => void }> = [];
  let n = 0;
  let stopped = false;
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      const nickname = `${prefix}${n++}`;
      try {
        const res = await signedRequest(baseUrl, clientCreds(client), "POST", "/api/users", { nickname, password: PASSWORD });
        if (res.status === 200 && res.body?.nickname === nickname) acked.push(nickname);
        else failures.push(`${nickname}: ${res.status} ${res.text.slice(0, 200)}`);
      } catch (err) {
        failures.push(`${nickname}: ${(err as Error).message ?? String(err)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const w of [...waiters]) {
        if (failures.length > 0 && !opts.tolerateFailures) {
          waiters.splice(waiters.indexOf(w), 1);
          w.reject(new Error(`write failed: ${failures[0]}`));
        } else if (acked.length >= w.target) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    }
  });
  return {
    client,
    acked,
    failures,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
    waitForAcks(count) {
      if (failures.length > 0 && !opts.tolerateFailures) return Promise.reject(new Error(`write failed: ${failures[0]}`));
      return new Promise((resolve, reject) => waiters.push({ target: acked.length + count, resolve, reject }));
    },
  };
}

/** Reads every user back (signed GET /api/user/:nickname); returns the ones that are missing or wrong. */
export async function missingUsers(baseUrl: string, client: ClientCreds, nicknames: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const nickname of nicknames) {
    const res = await signedRequest(baseUrl, clientCreds(client), "GET", `/api/user/${nickname}`);
    if (res.status !== 200 || res.body?.nickname !== nickname) missing.push(`${nickname}: ${res.status}`);
  }
  return missing;
}

/** An OAuth Authorization header (2-legged, fresh nonce) for a GET, signed by the `oauth` package. */
export function signedGetHeader(baseUrl: string, client: ClientCreds, path: string): string {
  return oauthClient(baseUrl, client).authHeader(baseUrl + path, "", "", "GET");
}
