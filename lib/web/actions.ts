import type { PumpConfig } from "../config";
import type { Bank } from "../databank";
import type { Engine, Generator } from "../activity";
import type { UrlMaker } from "../url-maker";
import type { AS } from "../model/as";
import { PUBLIC } from "../model/as";
import { BadRequestError } from "../errors";
import { createUser, updateUser, type UserRecord } from "../model/user";
import type { PasswordCheck } from "../model/password-check";
import { textToHtml } from "./text";
import { composeHtml, type MentionResolver } from "./compose";

/** A form's fields (strings only; anything else counts as missing). */
export type Fields = Record<string, unknown>;

const field = (f: Fields, name: string): string => {
  const v = f[name];
  return typeof v === "string" ? v : "";
};

const required = (f: Fields, name: string, label = name): string => {
  const v = field(f, name).trim();
  if (v === "") throw new BadRequestError(`Missing ${label}`);
  return v;
};

/** An id a form may name: an absolute http(s) URL or an acct: URI. */
function checkedId(value: string, label: string): string {
  if (!/^(https?:\/\/|acct:)\S+$/i.test(value)) throw new BadRequestError(`Invalid ${label}`);
  return value;
}

/** What the web client's forms do, as the logged-in user, through the engine. */
export class WebActions {
  constructor(
    private readonly deps: {
      config: Pick<PumpConfig, "disableRegistration" | "requireEmail" | "haveEmail" | "nicknameBlacklist" | "site">;
      bank: Bank;
      urls: UrlMaker;
      engine: Engine;
      passwords: PasswordCheck;
    },
  ) {}

  /** The web client as the `generator` of what it posts. */
  get generator(): Generator {
    return { objectType: "application", id: this.deps.urls.makeURL("/"), displayName: `${this.deps.config.site} Web` };
  }

  private ref(f: Fields): AS {
    const id = checkedId(required(f, "object", "object"), "object");
    const objectType = field(f, "objectType").trim() || "note";
    if (!/^[a-z][a-z0-9-]{0,31}$/i.test(objectType)) throw new BadRequestError("Invalid object type");
    return { id, objectType };
  }

  /**
   * The audience of a new note, from the `to` choice: `public` (to
   * Public, cc followers), `followers`, `person:<id>` or `list:<id>`.
   */
  audience(nickname: string, choice: string): { to: AS[]; cc?: AS[] } {
    const followers = { id: this.deps.urls.makeURL(`/api/user/${nickname}/followers`), objectType: "collection" };
    if (choice === "" || choice === "public") return { to: [{ id: PUBLIC, objectType: "collection" }], cc: [followers] };
    if (choice === "followers") return { to: [followers] };
    const m = /^(person|list):(.+)$/.exec(choice);
    if (!m) throw new BadRequestError("Unknown recipient");
    const id = checkedId(m[2], "recipient");
    return { to: [{ id, objectType: m[1] === "person" ? "person" : "collection" }] };
  }

  /** Finds the people of this site that a post mentions. */
  private get mentions(): MentionResolver {
    const { engine, urls } = this.deps;
    return {
      host: urls.host,
      async local(nick) {
        const p = await engine.profileOf(nick).catch(() => null);
        return p && typeof p.id === "string" ? { id: p.id, url: typeof p.url === "string" ? p.url : urls.makeURL(`/${nick}`) } : null;
      },
    };
  }

  /**
   * A note from Markdown-like text. People of this site it mentions are
   * added to its cc, so it reaches them (and their notifications) even
   * when they do not follow the author.
   */
  async postNote(nickname: string, f: Fields): Promise<AS> {
    const { html: content, mentions } = await composeHtml(required(f, "content", "note text"), this.mentions);
    const audience = this.audience(nickname, field(f, "to"));
    const me = this.deps.engine.personId(nickname);
    const named = mentions.filter((m) => m.id && m.id !== me && !audience.to.some((r) => r.id === m.id)).map((m) => ({ id: m.id as string, objectType: "person" }));
    const cc = [...(audience.cc ?? []), ...named];
    const act = { verb: "post", object: { objectType: "note", content }, to: audience.to, ...(cc.length ? { cc } : {}) };
    return this.deps.engine.postActivity(nickname, act, this.generator);
  }

  /** A comment in reply to an object; its audience follows the original's (the engine decides). */
  async reply(nickname: string, f: Fields): Promise<AS> {
    const { html: content } = await composeHtml(required(f, "content", "reply text"), this.mentions);
    const parent = this.ref({ object: f.inReplyTo, objectType: f.inReplyToType });
    return this.deps.engine.postActivity(nickname, { verb: "post", object: { objectType: "comment", content, inReplyTo: parent } }, this.generator);
  }

  private verb(nickname: string, verb: string, f: Fields): Promise<AS> {
    return this.deps.engine.postActivity(nickname, { verb, object: this.ref(f) }, this.generator);
  }

  /**
   * Likes and shares are addressed to the object's author as well as the
   * actor's followers, so they reach the author's inbox (and notifications).
   * `author` is a hidden field of the form: it only chooses who is told.
   */
  private tellAuthor(nickname: string, f: Fields): { to?: AS[]; cc?: AS[] } {
    const author = field(f, "author").trim();
    if (!author || !/^(https?:\/\/|acct:)\S+$/i.test(author) || author === this.deps.engine.personId(nickname)) return {};
    const followers = { id: this.deps.urls.makeURL(`/api/user/${nickname}/followers`), objectType: "collection" };
    return { to: [{ id: author, objectType: "person" }], cc: [followers] };
  }

  like(nickname: string, f: Fields): Promise<AS> {
    const audience = this.tellAuthor(nickname, f);
    if (!audience.to) return this.deps.engine.favorite(nickname, this.ref(f), this.generator);
    return this.deps.engine.postActivity(nickname, { verb: "favorite", object: this.ref(f), ...audience }, this.generator);
  }
  unlike(nickname: string, f: Fields): Promise<AS> {
    return this.verb(nickname, "unfavorite", f);
  }
  share(nickname: string, f: Fields): Promise<AS> {
    const audience = this.tellAuthor(nickname, f);
    if (!audience.to) return this.verb(nickname, "share", f);
    return this.deps.engine.postActivity(nickname, { verb: "share", object: this.ref(f), ...audience }, this.generator);
  }
  unshare(nickname: string, f: Fields): Promise<AS> {
    return this.verb(nickname, "unshare", f);
  }
  follow(nickname: string, f: Fields): Promise<AS> {
    return this.deps.engine.follow(nickname, this.ref({ ...f, objectType: field(f, "objectType") || "person" }), this.generator);
  }
  unfollow(nickname: string, f: Fields): Promise<AS> {
    return this.verb(nickname, "stop-following", { ...f, objectType: field(f, "objectType") || "person" });
  }

  /** Deletes one of the user's own objects (the engine checks authorship). */
  async deleteObject(nickname: string, f: Fields): Promise<"Deleted"> {
    const { id } = this.ref(f);
    const prefix = `${this.deps.urls.base}/api/`;
    const m = id.startsWith(prefix) ? /^([a-z-]+)\/([^/?#]+)$/.exec(id.slice(prefix.length)) : null;
    if (!m) throw new BadRequestError("Not an object of this server");
    return this.deps.engine.deleteObject(m[1], m[2], nickname, this.generator);
  }

  /** Display name, bio (plain text, stored as HTML) and location. */
  updateProfile(nickname: string, f: Fields): Promise<AS> {
    const displayName = field(f, "displayName").trim().slice(0, 200);
    const bio = field(f, "summary").trim();
    const location = field(f, "location").trim().slice(0, 200);
    const changes: AS = { displayName: displayName || nickname, summary: bio ? textToHtml(bio) : "" };
    if (location) changes.location = { objectType: "place", displayName: location };
    return this.deps.engine.updateProfile(nickname, changes, this.generator);
  }

  /**
   * Checks the current password (throttled like a login: a stolen session
   * must not become a way to guess it), then sets the new one (the account
   * rules apply). `address` is the client's.
   */
  async changePassword(nickname: string, f: Fields, address: string): Promise<UserRecord> {
    const ok = await this.deps.passwords.verify({ nickname, password: field(f, "old"), address });
    if (!ok) throw new BadRequestError("Your current password is not correct.");
    const password = field(f, "password");
    if (password !== field(f, "repeat")) throw new BadRequestError("The new passwords don't match.");
    return updateUser(this.deps.bank, nickname, { nickname, password });
  }

  /** Creates the account and runs the registration activities (join, welcome note, lists). */
  async register(f: Fields): Promise<UserRecord> {
    const { config, bank, urls, engine } = this.deps;
    if (field(f, "password") !== field(f, "repeat")) throw new BadRequestError("The passwords don't match.");
    const props: Record<string, unknown> = { nickname: field(f, "nickname").trim(), password: field(f, "password") };
    if (field(f, "email").trim()) props.email = field(f, "email").trim();
    const user = await createUser(bank, config, urls, props);
    await engine.afterRegister(user, this.generator);
    return user;
  }
}
