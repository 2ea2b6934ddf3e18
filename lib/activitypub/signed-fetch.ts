import type { Bank } from "../databank";
import type { SafeFetcher } from "../net/safe-request";
import type { ApIds } from "./ids";
import { instanceSigner } from "./instance-actor";
import { signedRequest } from "./signatures";

/** Loads one JSON-LD document (an actor, a key, an object), as fedify's document loaders do. */
export type DocumentLoader = (url: string) => Promise<{ contextUrl: null; document: unknown; documentUrl: string }>;

/**
 * A document loader whose GETs are signed by the instance actor
 * (draft-cavage, through the safe fetcher): servers in "authorized fetch"
 * mode refuse unsigned fetches of their actors and keys, and every server
 * accepts a signed one.
 */
export function signedDocumentLoader(deps: { bank: Bank; fetcher: SafeFetcher; ids: ApIds }): DocumentLoader {
  return async (url) => {
    const res = await signedRequest(deps.fetcher, await instanceSigner(deps.bank, deps.ids), url, { method: "GET" });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    return { contextUrl: null, document: res.json(), documentUrl: res.url };
  };
}
