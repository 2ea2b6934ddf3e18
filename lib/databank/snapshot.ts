/** True for an array of strings without holes (JSON keeps it as it is). */
function allStrings(list: unknown[]): boolean {
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== "string") return false;
  return true;
}

/**
 * What storing `value` and reading it back gives (JSON's rules: undefined
 * and non-finite numbers become null), as a value of its own that later
 * changes to `value` do not reach. Plain values (strings, numbers, lists
 * of ids) skip the JSON round trip, which a transaction otherwise pays
 * for every write and every read of its own writes.
 */
export function snapshot<T>(value: T): T {
  if (value === undefined || value === null) return null as T;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return (Number.isFinite(value) ? value : null) as T;
  if (Array.isArray(value) && allStrings(value)) return value.slice() as T;
  return JSON.parse(JSON.stringify(value));
}
