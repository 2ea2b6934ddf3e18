import type { Request } from "express";
import type { Engine, ReadOptions, Viewer } from "../activity";
import { NotFoundError } from "../errors";
import type { AS } from "../model/as";
import type { PageData, StreamView } from "./pages";

export type ProfileSection = "activity" | "favorites" | "followers" | "following" | "lists" | "list";

interface StreamBlock {
  stream: StreamView;
  id: string;
  heading: string;
  kind?: "activities" | "people" | "objects" | "lists";
  cls?: string;
  empty?: string;
}

/** Stream headings count what the viewer can see, not the stored size (issue 8). */
const VISIBLE: ReadOptions = { visibleTotal: true };

/**
 * The card's favorites and lists counts, for a visitor, as the linked
 * pages count them: only what the visitor may see. Followers and
 * following are not filtered, so their stored sizes already match.
 */
async function visibleCardCounts(engine: Engine, nickname: string, profile: AS, v: Viewer): Promise<void> {
  if (v.nickname === nickname) return;
  const none = { count: "0" };
  const set = (prop: string, n: unknown): void => {
    if (typeof n === "number" && profile[prop] && typeof profile[prop] === "object") profile[prop] = { ...profile[prop], totalItems: n };
  };
  set("favorites", (await engine.streams.favorites(nickname, none, v, VISIBLE)).totalItems);
  set("lists", (await engine.streams.lists(nickname, "person", none, v, VISIBLE)).totalItems);
}

/** Everything the profile template needs for one section of a user's profile. */
export async function loadProfileSection(
  engine: Engine,
  pages: PageData,
  req: Request,
  section: ProfileSection,
): Promise<{ nickname: string; profile: AS; title: string; section: string; streams: StreamBlock[]; list?: AS }> {
  const nickname = req.params.nickname ?? "";
  const v = pages.engineViewer(req);
  // 404 for an unknown user, before any stream is read.
  const profile = await engine.getProfile(nickname, v);
  await visibleCardCounts(engine, nickname, profile, v);
  const name = (typeof profile.displayName === "string" && profile.displayName) || nickname;
  const api = `/api/user/${nickname}`;
  const base = { nickname, profile };
  switch (section) {
    case "activity": {
      const major = await pages.stream(req, `${api}/feed/major`, (q) => engine.streams.feed(nickname, "feed/major", q, v, VISIBLE));
      const minor = await pages.stream(req, `${api}/feed/minor`, (q) => engine.streams.feed(nickname, "feed/minor", q, v, VISIBLE), "minorBefore");
      return {
        ...base,
        title: name,
        section: "/",
        streams: [
          { stream: major, id: "major-outbox", heading: "Posts", empty: `${name} hasn't posted anything yet.` },
          { stream: minor, id: "minor-outbox", heading: "Recent activity", cls: "minor", empty: "Nothing yet." },
        ],
      };
    }
    case "favorites": {
      const s = await pages.stream(req, `${api}/favorites`, (q) => engine.streams.favorites(nickname, q, v, VISIBLE));
      return { ...base, title: `${name}: favorites`, section: "/favorites", streams: [{ stream: s, id: "favorites", heading: "Favorites", kind: "objects", empty: "No favorites yet." }] };
    }
    case "followers": {
      const s = await pages.stream(req, `${api}/followers`, (q) => engine.streams.followers(nickname, q, v));
      return { ...base, title: `${name}: followers`, section: "/followers", streams: [{ stream: s, id: "followers", heading: "Followers", kind: "people", empty: "No followers yet." }] };
    }
    case "following": {
      const s = await pages.stream(req, `${api}/following`, (q) => engine.streams.following(nickname, q, v));
      return { ...base, title: `${name}: following`, section: "/following", streams: [{ stream: s, id: "following", heading: "Following", kind: "people", empty: "Not following anyone yet." }] };
    }
    case "lists": {
      const s = await pages.stream(req, `${api}/lists/person`, (q) => engine.streams.lists(nickname, "person", q, v, VISIBLE));
      return { ...base, title: `${name}: lists`, section: "/lists", streams: [{ stream: s, id: "lists", heading: "Lists", kind: "lists", empty: "No lists." }] };
    }
    case "list": {
      const uuid = req.params.uuid ?? "";
      const list = await engine.getObject("collection", uuid, v);
      if (list.author?.id !== engine.personId(nickname)) throw new NotFoundError("No such list of this user.");
      const s = await pages.stream(req, `/api/collection/${uuid}/members`, (q) => engine.streams.listMembers(uuid, q, v, VISIBLE));
      const listName = (typeof list.displayName === "string" && list.displayName) || "List";
      return { ...base, list, title: `${name}: ${listName}`, section: "/lists", streams: [{ stream: s, id: "list-members", heading: "Members", kind: "people", empty: "Nobody in this list yet." }] };
    }
  }
}

/** The post form's audience choices: public, followers, each person followed, each of the user's lists. */
export async function recipientChoices(engine: Engine, nickname: string, viewer: Viewer): Promise<Array<{ value: string; label: string }>> {
  const out = [
    { value: "public", label: "Public (and my followers)" },
    { value: "followers", label: "My followers only" },
  ];
  const name = (o: AS): string => (typeof o.displayName === "string" && o.displayName) || (typeof o.preferredUsername === "string" && o.preferredUsername) || String(o.id);
  const following = await engine.streams.following(nickname, { count: 100 }, viewer);
  for (const p of (following.items ?? []) as AS[]) if (typeof p.id === "string") out.push({ value: `person:${p.id}`, label: `Only ${name(p)}` });
  const lists = await engine.streams.lists(nickname, "person", { count: 100 }, viewer);
  for (const l of (lists.items ?? []) as AS[]) if (typeof l.id === "string") out.push({ value: `list:${l.id}`, label: `List: ${name(l)}` });
  return out;
}
