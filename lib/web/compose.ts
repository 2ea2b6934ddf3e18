import { sanitizeHtml } from "../model/html";
import { escapeHtml } from "./text";

/* showdown ships no types; this is the little of it we use. */
interface Converter {
  makeHtml(text: string): string;
}

let converter: Converter | null = null;

/**
 * Markdown-like input, kept to what a social post needs: bold, italic,
 * links (bare URLs too), lists, quotes, code; a single newline is a line
 * break. No heading ids, no e-mail obfuscation, no tables. Made on the
 * first post from the web UI: a worker that never takes one (an API-only
 * site) does not carry showdown (~0.5 MB of heap).
 */
function markdown(): Converter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  converter ??= new (require("showdown") as { Converter: new (opts: Record<string, unknown>) => Converter }).Converter({
    simplifiedAutoLink: true,
    excludeTrailingPunctuationFromURLs: true,
    simpleLineBreaks: true,
    strikethrough: true,
    noHeaderId: true,
    requireSpaceBeforeHeadingText: true,
    literalMidWordUnderscores: true,
    ghCodeBlocks: true,
    encodeEmails: false,
    tables: false,
    emoji: false,
  });
  return converter;
}

/** A person named in a post: `@nick` (here) or `@nick@host`. */
export interface Mention {
  nickname: string;
  /** null for a person of this site. */
  host: string | null;
  /** Their profile page. */
  url: string;
  /** Their person id (people of this site only). */
  id?: string;
}

export interface MentionResolver {
  /** This site's host (as in acct: ids), so `@bob@<our host>` is local. */
  host: string;
  /** A local person by nickname: their id and page, or null when there is none. */
  local(nickname: string): Promise<{ id: string; url: string } | null>;
}

/**
 * Formatting tags a person may type as HTML; any other `<` is text ("I <3 you",
 * "<world>", a pasted `<a href=…>`): links come from Markdown and bare URLs.
 */
const TYPED_TAG = /<(?!\/?(?:b|i|em|strong|u|s|del|sub|sup|code|pre|br|p|ul|ol|li|blockquote|q)\b)/gi;

/** Escapes a `<` that starts no allowed tag, outside code spans and fences (showdown escapes those itself). */
function escapeStrayAngles(text: string): string {
  return text
    .split(/(```[\s\S]*?```|`[^`\n]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(TYPED_TAG, "&lt;")))
    .join("");
}

const MENTION = /(^|[^\w@/.:-])@([A-Za-z0-9_.-]*[A-Za-z0-9_])(?:@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d{1,5})?))?/g;

/**
 * Typed text → safe HTML for a note or reply: formatting from the
 * Markdown-like input, mentions made links to people, then the same
 * sanitizer every stored post passes (model/html.ts), so nothing the
 * converter lets through (raw HTML, script) survives.
 */
export async function composeHtml(text: string, resolver: MentionResolver): Promise<{ html: string; mentions: Mention[] }> {
  const html = sanitizeHtml(markdown().makeHtml(escapeStrayAngles(text.replace(/\r\n?/g, "\n").trim())));
  const mentions = new Map<string, Mention>();
  // Find the mentions first (resolving is async), only in text: not inside links, code or tags.
  const segments = html.split(/(<[^>]*>)/);
  let skip = 0;
  const wanted: Array<{ nick: string; host: string | null }> = [];
  for (const seg of segments) {
    if (seg.startsWith("<")) {
      if (/^<(a|code|pre)\b/i.test(seg)) skip++;
      else if (/^<\/(a|code|pre)>/i.test(seg)) skip = Math.max(0, skip - 1);
      continue;
    }
    if (skip) continue;
    for (const m of seg.matchAll(MENTION)) wanted.push({ nick: m[2], host: m[3] ?? null });
  }
  const local = (host: string | null | undefined): boolean => !host || host.toLowerCase() === resolver.host.toLowerCase();
  const keyOf = (nick: string, host: string | null | undefined): string => `${nick}@${local(host) ? "" : host}`.toLowerCase();
  for (const { nick, host } of wanted) {
    const key = keyOf(nick, host);
    if (mentions.has(key)) continue;
    if (local(host)) {
      const p = await resolver.local(nick);
      if (p) mentions.set(key, { nickname: nick, host: null, url: p.url, id: p.id });
    } else {
      mentions.set(key, { nickname: nick, host, url: `https://${host}/${encodeURIComponent(nick)}` });
    }
  }
  if (mentions.size === 0) return { html, mentions: [] };
  skip = 0;
  const out = segments.map((seg) => {
    if (seg.startsWith("<")) {
      if (/^<(a|code|pre)\b/i.test(seg)) skip++;
      else if (/^<\/(a|code|pre)>/i.test(seg)) skip = Math.max(0, skip - 1);
      return seg;
    }
    if (skip) return seg;
    return seg.replace(MENTION, (all, before: string, nick: string, host: string | undefined) => {
      const m = mentions.get(keyOf(nick, host));
      if (!m) return all;
      const label = `@${nick}${host ? `@${host}` : ""}`;
      return `${before}<a href="${escapeHtml(m.url)}" title="${escapeHtml(label)}">${label}</a>`;
    });
  });
  return { html: sanitizeHtml(out.join("")), mentions: [...mentions.values()] };
}
