import type { AS } from "../model/as";
import type { PageArgs } from "../model/paging";
import type { Stream } from "../model/stream";

/** One page of a stream: ids in newest-first order and the unfiltered total. */
export interface Page {
  ids: string[];
  total: number;
}

/** Filter for a batch of stream ids (true = show). */
export type Keep = (ids: string[]) => Promise<boolean[]>;

/** How a stream read counts: the API's `totalItems` is the stored size (api.md §6). */
export interface ReadOptions {
  /**
   * Count only the items `keep` lets through, so a page can say how many
   * the viewer can see (issue 8: "Posts (4)" above 3 posts). Costs a scan
   * of the whole stream, so only the web pages ask for it.
   */
  visibleTotal?: boolean;
}

const COUNT_CHUNK = 200;

/** How many items of the whole stream pass `keep`, read in chunks. */
export async function countKept(stream: Stream, keep: Keep): Promise<number> {
  const total = await stream.count();
  let kept = 0;
  for (let pos = 0; pos < total; pos += COUNT_CHUNK) {
    const flags = await keep(await stream.range(pos, pos + COUNT_CHUNK, total));
    kept += flags.filter(Boolean).length;
  }
  return kept;
}

/** Reads one page, filtered when `keep` is given (totalItems unfiltered unless `visibleTotal`). */
export async function readPage(stream: Stream, args: PageArgs, keep?: Keep, opts: ReadOptions = {}): Promise<Page> {
  if (!keep) return stream.page(args);
  const page = await stream.filteredPage(args, keep);
  return opts.visibleTotal ? { ids: page.ids, total: await countKept(stream, keep) } : page;
}

function withQuery(url: string, key: string, value: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}${key}=${encodeURIComponent(value)}`;
}

/** prev/next links of activity, person and list collections (api.md §6). */
export function cursorLinks(url: string, items: AS[], total: number, args: PageArgs): AS {
  const links: AS = {};
  if (items.length === 0) return links;
  links.prev = { href: withQuery(url, "since", items[0]!.id) };
  const more =
    (args.offset !== undefined && args.offset + items.length < total) ||
    (args.before !== undefined && items.length >= args.count) ||
    args.since !== undefined;
  if (more) links.next = { href: withQuery(url, "before", items[items.length - 1]!.id) };
  return links;
}

/** `{displayName, objectTypes: ["activity"], url, links: {first, self, prev?, next?}, items, totalItems, author?}` */
export function activityCollection(p: { displayName: string; url: string; items: AS[]; total: number; args: PageArgs; author?: AS }): AS {
  const out: AS = {
    displayName: p.displayName,
    objectTypes: ["activity"],
    url: p.url,
    links: { first: { href: p.url }, self: { href: p.url }, ...cursorLinks(p.url, p.items, p.total, p.args) },
    items: p.items,
    totalItems: p.total,
  };
  if (p.author) out.author = p.author;
  return out;
}

/** `{displayName, url, objectTypes: ["person"], items, totalItems, author?, links: {self, current, prev?, next?}}` */
export function personCollection(p: { displayName: string; url: string; items: AS[]; total: number; args: PageArgs; author?: AS }): AS {
  const offset = p.args.offset ?? 0;
  const out: AS = {
    displayName: p.displayName,
    url: p.url,
    objectTypes: ["person"],
    items: p.items,
    totalItems: p.total,
    links: {
      self: { href: `${p.url}?offset=${offset}&count=${p.args.count}` },
      current: { href: p.url },
      ...cursorLinks(p.url, p.items, p.total, p.args),
    },
  };
  if (p.author) out.author = p.author;
  return out;
}

/** `{displayName, url, items, totalItems, links: {first, self}, author?}`; `cursors` adds prev/next (list members). */
export function objectCollection(p: {
  displayName: string;
  url: string;
  items: AS[];
  total: number;
  author?: AS;
  cursors?: { type?: string };
}): AS {
  const out: AS = {
    displayName: p.displayName,
    url: p.url,
    items: p.items,
    totalItems: p.total,
    links: { first: { href: p.url }, self: { href: p.url } },
  };
  if (p.cursors && p.items.length > 0 && p.items.length < p.total) {
    const typed = (u: string): string => (p.cursors!.type ? withQuery(u, "type", p.cursors!.type) : u);
    out.links.prev = { href: typed(withQuery(p.url, "since", p.items[0]!.id)) };
    out.links.next = { href: typed(withQuery(p.url, "before", p.items[p.items.length - 1]!.id)) };
  }
  if (p.author) out.author = p.author;
  return out;
}

/** `{displayName, objectTypes: ["collection"], url, links: {first, self, prev?, next?}, items, totalItems, author}` */
export function listsCollection(p: { displayName: string; url: string; items: AS[]; total: number; args: PageArgs; author: AS }): AS {
  return {
    displayName: p.displayName,
    objectTypes: ["collection"],
    url: p.url,
    links: { first: { href: p.url }, self: { href: p.url }, ...cursorLinks(p.url, p.items, p.total, p.args) },
    items: p.items,
    totalItems: p.total,
    author: p.author,
  };
}
