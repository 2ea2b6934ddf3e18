import assert from "node:assert/strict";
import type { Bank } from "../../lib/databank";
import { Stream } from "../../lib/model/stream";
import type { Records } from "./support";

/** The original's user stream suffixes and the names the API knows them by here. */
const USER_SUFFIX: Record<string, string> = {
  outbox: "feed", "outbox:major": "feed/major", "outbox:minor": "feed/minor",
};

/**
 * Where each of the original's streams must be found here (reference/
 * storage.md §5, written out by hand so the test does not reuse the
 * migration's own mapping), with its items newest first as the original
 * API listed them: segments oldest first, each array oldest first,
 * reversed; JSON references reduced to their ids.
 */
export function expectedStreams(records: Records): Array<{ original: string; ours: string; items: string[] }> {
  const groups = new Map(Object.values(records.group ?? {}).map((g: any) => [g._uuid as string, g.id as string]));
  const out: Array<{ original: string; ours: string; items: string[] }> = [];
  for (const name of Object.keys(records.stream ?? {})) {
    if (name === "user:all") continue;
    let ours: string | null = null;
    let m: RegExpExecArray | null;
    if ((m = /^user:([^:]+):(.+)$/.exec(name))) ours = `user/${m[1]}/${USER_SUFFIX[m[2]!] ?? m[2]!.replaceAll(":", "/")}`;
    else if (name.startsWith("collection:")) ours = `object/${name.slice("collection:".length)}/members`;
    else if (name.startsWith("activityobject:replies:")) ours = `object/${name.slice("activityobject:replies:".length)}/replies`;
    else if (name.startsWith("activityobject:shares:")) ours = `object/${name.slice("activityobject:shares:".length)}/shares`;
    else if (name.startsWith("favoriters:")) ours = `object/${name.slice("favoriters:".length)}/likes`;
    else if ((m = /^group:(.+):(members|inbox|documents)$/.exec(name))) ours = `object/${groups.get(m[1]!)}/${m[2]}`;
    assert.ok(ours, `the test knows where stream ${name} goes`);
    out.push({ original: name, ours, items: originalItems(records, name).reverse() });
  }
  return out;
}

/** A stream's items in stored order (oldest first), as ids. */
export function originalItems(records: Records, name: string): string[] {
  const items: string[] = [];
  for (const seg of records.streamsegments?.[name] ?? []) {
    for (const item of records.streamsegment?.[seg] ?? []) items.push(item.startsWith("{") ? JSON.parse(item).id : item);
  }
  return items;
}

/** Every stream of the original holds the same items in the same order here. */
export async function assertSameStreams(bank: Bank, records: Records): Promise<number> {
  const expected = expectedStreams(records);
  for (const e of expected) {
    assert.deepEqual(await new Stream(bank, e.ours).all(), e.items, `${e.original} → ${e.ours}`);
  }
  assert.deepEqual(await bank.read("userlist", "users"), originalItems(records, "user:all").reverse(), "user:all → the users list");
  return expected.length;
}
