import { clone, refOf, type AS } from "../model/as";
import { newUuid, stamp } from "../model/ids";
import { streamNames } from "../model/stream";
import { localProfile } from "../model/user-profile";
import { UUID_INDEX_TYPE } from "../model/activity-object";
import { escapeHtml } from "./content";
import type { Ctx } from "./context";
import { processActivity, type Core, type Generator } from "./pipeline";
import { LIST_NAME_TYPE } from "./post";
import { storeNewObject } from "./verb-context";

/** The names of the person lists every new user gets. */
export const DEFAULT_LISTS = ["Friends", "Family", "Acquaintances", "Coworkers"];

/** The site itself, as the `service` that welcomes new users. */
export function siteService(ctx: Ctx): AS {
  const url = ctx.urls.makeURL("/");
  return { objectType: "service", id: url, url, displayName: ctx.config.site };
}

/** Stores (or replaces) a local user's person, marked with its nickname. */
async function storePerson(ctx: Ctx, nickname: string): Promise<AS> {
  const now = stamp();
  const uuid = newUuid();
  const person: AS = { ...clone(localProfile({ nickname }, ctx.urls)), published: now, updated: now, _uuid: uuid, _nickname: nickname };
  await ctx.objects.save(person);
  await ctx.bank.save(UUID_INDEX_TYPE, `person/${uuid}`, { key: `person/${uuid}`, id: person.id });
  return person;
}

/** The user's virtual "Followers" and "Following" collections (§10). */
async function storeVirtualCollections(ctx: Ctx, nickname: string, person: AS): Promise<void> {
  for (const [which, name] of [["followers", "Followers"], ["following", "Following"]] as const) {
    const id = ctx.urls.makeURL(`/api/user/${nickname}/${which}`);
    await ctx.objects.save({
      objectType: "collection",
      id,
      displayName: name,
      url: ctx.urls.makeURL(`/${nickname}/${which}`),
      links: { self: { href: id } },
      members: { url: id },
      objectTypes: ["person"],
      author: refOf(person),
    });
  }
}

/** The "Profile Pictures" image list: made without an activity (counted, never listed). */
async function storeProfilePictures(ctx: Ctx, nickname: string, person: AS): Promise<void> {
  const list = await storeNewObject(
    ctx,
    { objectType: "collection", displayName: "Profile Pictures", objectTypes: ["image"], author: refOf(person) },
    nickname,
  );
  const key = `${person.id} image Profile Pictures`;
  await ctx.bank.save(LIST_NAME_TYPE, key, { key, id: list.id });
  await ctx.stream(streamNames.userLists(nickname, "image")).add(list.id);
}

/**
 * What follows a registration (api.md §4): the person and its virtual
 * collections, the "Profile Pictures" list, then posted and distributed: a
 * `join` of the site service, the service's welcome note `to` the user,
 * and the four person lists `to` the user's followers. Leaves feed 5 (all
 * minor), inbox 6, inbox/major 1, inbox/direct 1, lists/person 4.
 */
export async function afterRegister(core: Core, user: { nickname: string }, client: Generator = null): Promise<AS> {
  const { ctx } = core;
  const nick = user.nickname;
  const person = await storePerson(ctx, nick);
  await storeVirtualCollections(ctx, nick, person);
  await storeProfilePictures(ctx, nick, person);
  const actor = refOf(person);
  const generator = client ? { generator: clone(client) } : {};
  const service = siteService(ctx);

  await processActivity(core, { verb: "join", actor: clone(person), object: service, ...generator }, nick);
  await processActivity(
    core,
    {
      verb: "post",
      actor: service,
      object: {
        objectType: "note",
        displayName: `Welcome to ${ctx.config.site}`,
        content: `<p>Welcome to ${escapeHtml(ctx.config.site)}, ${escapeHtml(nick)}!</p>`,
      },
      to: [actor],
    },
    null,
  );
  const followers = { objectType: "collection", id: ctx.people.followersId(nick) };
  for (const name of DEFAULT_LISTS) {
    await processActivity(
      core,
      {
        verb: "create",
        actor: clone(person),
        object: { objectType: "collection", displayName: name, objectTypes: ["person"] },
        to: [followers],
        ...generator,
      },
      nick,
    );
  }
  return person;
}
