import type { Express } from "express";
import type { Bank, Schema } from "../databank";
import type { Logger } from "../log";
import type { AS } from "../model/as";

/** Node-style completion callback of the distribution hooks. */
export type PluginCallback = (err?: Error | null) => void;

/** A local person an activity was delivered to. */
export interface PluginUser {
  nickname: string;
}

/** What `initializeApp` gets besides the Express app (new: the original's plugins reached for databank themselves). */
export interface PluginServices {
  /** The server's storage (promise facade); types the plugin added in `initializeSchema` are usable. */
  bank: Bank;
  /** This plugin's logger (the one `initializeLog` got). */
  log: Logger;
}

/**
 * A pump.io plugin: a module listed in the `plugins` config key, loaded in
 * every worker. Every hook is optional, and the hooks are those of the
 * original pump.io (ops.md §7). A plugin may export this object as the
 * module itself (`module.exports = {...}`) or as its default export.
 *
 * A hook that throws (or rejects, or passes an error to its callback) is
 * logged and skipped: it never stops the worker or fails a request.
 *
 * ```ts
 * import type { PumpPlugin } from "<pump checkout>/lib/plugins/types";
 * const plugin: PumpPlugin = { getScript: () => "/my-plugin.js" };
 * export = plugin;
 * ```
 */
export interface PumpPlugin {
  /** Right after loading: the plugin's own logger (fields `component: "plugin"`, `plugin: <name>`). */
  initializeLog?(log: Logger): void;
  /** Before the database opens: add databank types to the schema (built-in types cannot be changed). */
  initializeSchema?(schema: Schema): void;
  /** A script URL added to every web page (like the `scripts` config key). */
  getScript?(): string | null | undefined;
  /**
   * After every built-in route, before the "not found" answers: add routes
   * or middleware. A handler that throws, rejects or calls `next(err)` is
   * logged and the request goes on as if that handler were not there.
   */
  initializeApp?(app: Express, services: PluginServices): void;
  /** After each activity is distributed (in the background; the poster does not wait). */
  distributeActivity?(activity: AS, callback: PluginCallback): void | Promise<void>;
  /** After each activity is distributed, once per local person whose inbox it reached. */
  distributeActivityToUser?(activity: AS, user: PluginUser, callback: PluginCallback): void | Promise<void>;
}

/** A plugin that loaded, with the name it was listed under. */
export interface LoadedPlugin {
  name: string;
  plugin: PumpPlugin;
  log: Logger;
}
