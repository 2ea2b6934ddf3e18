import type { Bank } from "../databank";
import type { Logger } from "../log";
import type { UrlMaker } from "../url-maker";
import type { AS } from "../model/as";
import { ObjectStore } from "../model/activity-object";
import { ActivityStore } from "../model/activity";
import { LocalPeople } from "../model/local-people";
import { createRelations, type Relations } from "../model/relation";
import { Stream, streamNames, type UserStreamKind } from "../model/stream";
import { StreamEvents } from "./stream-events";
import { PublicVerdicts } from "./public-verdicts";

/** The part of the server configuration the engine reads. */
export interface EngineConfig {
  /** Site name (the service's displayName, "Welcome to <site>"). */
  site: string;
}

/** Who is looking: a local user (nickname + person id), a remote person (id only) or nobody. */
export interface Viewer {
  nickname: string | null;
  personId: string | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ nickname: null, personId: null });

/** Everything the engine's parts share. Built once by createEngine. */
export class Ctx {
  readonly people: LocalPeople;
  readonly objects: ObjectStore;
  readonly activities: ActivityStore;
  readonly rel: Relations;
  /** "Activity added to stream" events (realtime); fired by distribute.ts. */
  readonly streamEvents: StreamEvents;
  /** Whether activities address the public, as far as known (anonymous feed reads do not read them again). */
  readonly publicVerdicts: PublicVerdicts;

  constructor(
    readonly bank: Bank,
    readonly urls: UrlMaker,
    readonly config: EngineConfig,
    readonly log: Logger,
    events: StreamEvents = new StreamEvents(),
  ) {
    this.streamEvents = events;
    this.people = new LocalPeople(urls);
    this.objects = new ObjectStore(bank, urls, this.people);
    this.activities = new ActivityStore(bank, urls, this.objects);
    this.rel = createRelations(bank);
    this.publicVerdicts = new PublicVerdicts(() => this.activities.generation());
  }

  /** The same engine over another bank (a transaction) and event sink. */
  over(bank: Bank, events: StreamEvents): Ctx {
    return new Ctx(bank, this.urls, this.config, this.log, events);
  }

  stream(name: string): Stream {
    return new Stream(this.bank, name);
  }

  userStream(nick: string, kind: UserStreamKind): Stream {
    return this.stream(streamNames.user(nick, kind));
  }

  /** The nickname of a registered local user with this person id, else null. */
  async localNick(id: unknown): Promise<string | null> {
    const nick = this.people.nicknameOf(id);
    if (!nick) return null;
    const person = await this.objects.get(this.people.personId(nick));
    return person && person._nickname === nick ? nick : null;
  }

  /** The stored person of a local user, or null. */
  async profileOf(nick: string): Promise<AS | null> {
    const person = await this.objects.get(this.people.personId(nick));
    return person && person._nickname === nick ? person : null;
  }
}
