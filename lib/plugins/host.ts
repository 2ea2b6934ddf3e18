import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import type { Express } from "express";
import type { Bank, Schema } from "../databank";
import type { Logger } from "../log";
import type { AS } from "../model/as";
import { packageRoot } from "../version";
import { guardedApp } from "./guarded-app";
import type { LoadedPlugin, PluginCallback, PumpPlugin } from "./types";

export type { PumpPlugin, PluginServices, PluginUser, PluginCallback, LoadedPlugin } from "./types";

export interface LoadPluginsOptions {
  /** Where relative paths (./my-plugin.js) are resolved; default the working directory. */
  cwd?: string;
}

/**
 * The plugins of one worker (the `plugins` config key). Every call into a
 * plugin goes through here and is isolated: a plugin that cannot be loaded,
 * or a hook that throws, rejects or reports an error, is logged (error,
 * with the plugin's name and the hook) and skipped; the worker and the
 * request carry on as if that hook did not exist.
 */
export class PluginHost {
  private constructor(readonly loaded: readonly LoadedPlugin[]) {}

  /** No plugins: what tests and tools get by default. */
  static none(): PluginHost {
    return new PluginHost([]);
  }

  /** Loads each listed module (a package name resolvable from pump's install, or a path) and calls `initializeLog`. */
  static load(names: readonly string[], log: Logger, opts: LoadPluginsOptions = {}): PluginHost {
    const base = log.child({ component: "plugin" });
    const fromPump = createRequire(join(packageRoot(), "package.json"));
    const loaded: LoadedPlugin[] = [];
    for (const name of names) {
      const plog = base.child({ plugin: name });
      let plugin: PumpPlugin;
      try {
        const target = isPath(name) ? resolve(opts.cwd ?? process.cwd(), name) : name;
        plugin = asPlugin(fromPump(target));
      } catch (err) {
        plog.error({ err, event: "plugin-load-failed" }, "could not load plugin; running without it");
        continue;
      }
      const entry: LoadedPlugin = { name, plugin, log: plog };
      loaded.push(entry);
      callSync(entry, "initializeLog", () => plugin.initializeLog?.(plog));
      plog.info({ hooks: hooksOf(plugin), event: "plugin-loaded" }, "plugin loaded");
    }
    return new PluginHost(loaded);
  }

  /** The schema with the types plugins added (`initializeSchema`); built-in types stay as they are. */
  schema(builtIn: Schema): Schema {
    const schema: Schema = { ...builtIn };
    for (const entry of this.loaded) {
      if (!entry.plugin.initializeSchema) continue;
      callSync(entry, "initializeSchema", () => entry.plugin.initializeSchema?.(schema));
      for (const type of Object.keys(builtIn)) {
        if (schema[type] !== builtIn[type]) {
          entry.log.warn({ type }, "plugin changed a built-in databank type; change ignored");
          schema[type] = builtIn[type];
        }
      }
    }
    return schema;
  }

  /** Script URLs from `getScript`, for every page. */
  scripts(): string[] {
    const out: string[] = [];
    for (const entry of this.loaded) {
      if (!entry.plugin.getScript) continue;
      const url = callSync(entry, "getScript", () => entry.plugin.getScript?.());
      if (typeof url === "string" && url !== "") out.push(url);
      else if (url !== undefined && url !== null) entry.log.error({ hook: "getScript" }, "getScript did not return a URL string; ignored");
    }
    return out;
  }

  /** Calls `initializeApp` with an app whose added handlers are isolated (guarded-app.ts). */
  initializeApp(app: Express, bank: Bank): void {
    for (const entry of this.loaded) {
      if (!entry.plugin.initializeApp) continue;
      const guarded = guardedApp(app, (err, req) =>
        entry.log.error({ err, hook: "request", method: req.method, url: req.originalUrl, event: "plugin-hook-failed" }, "plugin request handler failed; request continued without it"),
      );
      callSync(entry, "initializeApp", () => entry.plugin.initializeApp?.(guarded, { bank, log: entry.log }));
    }
  }

  /**
   * Tells plugins an activity was distributed (and to which local people).
   * Not awaited by anyone: a slow or silent plugin never holds up delivery.
   */
  distributed(activity: AS, localNicknames: readonly string[]): void {
    for (const entry of this.loaded) {
      const { plugin } = entry;
      if (plugin.distributeActivity) {
        callAsync(entry, "distributeActivity", (cb) => plugin.distributeActivity!(activity, cb), activity);
      }
      if (plugin.distributeActivityToUser) {
        for (const nickname of localNicknames) {
          callAsync(entry, "distributeActivityToUser", (cb) => plugin.distributeActivityToUser!(activity, { nickname }, cb), activity);
        }
      }
    }
  }
}

function callSync<T>(entry: LoadedPlugin, hook: string, call: () => T): T | undefined {
  try {
    return call();
  } catch (err) {
    hookFailed(entry, hook, err);
    return undefined;
  }
}

function hookFailed(entry: LoadedPlugin, hook: string, err: unknown, fields: Record<string, unknown> = {}): void {
  entry.log.error({ err, hook, ...fields, event: "plugin-hook-failed" }, `plugin hook ${hook} failed; ignored`);
}

function isPath(name: string): boolean {
  return isAbsolute(name) || name.startsWith("./") || name.startsWith("../") || name === "." || name === "..";
}

/** The plugin object of a module: the module itself, or its default export. */
function asPlugin(mod: unknown): PumpPlugin {
  const m = mod as { default?: unknown } | null;
  const candidate = m && typeof m === "object" && m.default && typeof m.default === "object" ? m.default : m;
  if (!candidate || (typeof candidate !== "object" && typeof candidate !== "function")) {
    throw new TypeError("the module does not export a plugin object");
  }
  return candidate as PumpPlugin;
}

function hooksOf(plugin: PumpPlugin): string[] {
  const names = ["initializeLog", "initializeSchema", "getScript", "initializeApp", "distributeActivity", "distributeActivityToUser"] as const;
  return names.filter((n) => typeof plugin[n] === "function");
}

function callAsync(entry: LoadedPlugin, hook: string, call: (cb: PluginCallback) => unknown, activity: AS): void {
  const fail = (err: unknown) => hookFailed(entry, hook, err, { activity: activity.id });
  try {
    const result = call((err) => {
      if (err) fail(err);
    });
    if (result && typeof (result as Promise<unknown>).then === "function") (result as Promise<unknown>).then(undefined, fail);
  } catch (err) {
    fail(err);
  }
}