import { createRequire } from "node:module";
import { join } from "node:path";
import { Databank, type DatabankInstance } from "databank";

/** Where installed `databank-<name>` packages are looked up: this project's node_modules. */
const projectRequire = createRequire(join(__dirname, "..", "..", "..", "package.json"));

/**
 * The original site's database, read through the databank driver its
 * config names: `memory` from databank itself, anything else from the
 * installed `databank-<name>` package (`databank-redis`, `databank-mongodb`,
 * ...), never our own drivers of the same name, whose layout differs.
 * Drivers may bring their own copy of databank, so errors are recognised
 * by name, not by class.
 */
export class OriginalSource {
  private constructor(private readonly raw: DatabankInstance) {}

  static async open(driver: string, params: Record<string, unknown>): Promise<OriginalSource> {
    const canon = driver.toLowerCase();
    // Redis: never let the driver rewrite the old site's index sets (it would, comparing them to an empty schema).
    const p = { schema: {}, ...params, ...(canon === "redis" ? { checkIndices: false } : {}) };
    let raw: DatabankInstance;
    if (canon === "memory") {
      raw = Databank.get("memory", p);
    } else {
      let Driver: new (params: object) => DatabankInstance;
      try {
        Driver = projectRequire(`databank-${canon}`);
      } catch (err) {
        throw new Error(`the old site's driver "${driver}" needs the package databank-${canon}, which is not installed (npm install databank-${canon})`, { cause: err });
      }
      raw = new Driver(p);
    }
    const src = new OriginalSource(raw);
    await src.call("connect", p);
    return src;
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    const fn = (this.raw as unknown as Record<string, (...a: unknown[]) => void>)[method]!;
    return new Promise<T>((resolve, reject) => {
      fn.call(this.raw, ...args, (err: Error | null, value?: T) => (err ? reject(err) : resolve(value as T)));
    });
  }

  /** The value, or null when the record does not exist. */
  async read<T = unknown>(type: string, key: string): Promise<T | null> {
    try {
      return await this.call<T>("read", type, key);
    } catch (err) {
      if ((err as Error)?.name === "NoSuchThingError") return null;
      throw err;
    }
  }

  /** Every value of a type (an empty list for a type never written). */
  scan<T = Record<string, unknown>>(type: string): Promise<T[]> {
    const out: T[] = [];
    return new Promise((resolve, reject) => {
      this.raw.scan(type, (v: T) => out.push(v), (err) => {
        if (err && err.name !== "NoSuchThingError") reject(err);
        else resolve(out);
      });
    });
  }

  /**
   * A stream's items in arrival order (oldest first), as our streams keep
   * them: its segments oldest first, each segment's array as stored.
   */
  async streamItems(name: string): Promise<unknown[]> {
    const segments = (await this.read<string[]>("streamsegments", name)) ?? [];
    const out: unknown[] = [];
    for (const seg of segments) {
      const items = await this.read<unknown[]>("streamsegment", seg);
      if (Array.isArray(items)) out.push(...items);
    }
    return out;
  }

  close(): Promise<void> {
    return this.call("disconnect");
  }
}
