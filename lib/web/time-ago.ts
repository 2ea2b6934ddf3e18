/*
 * Pure (no Node, no DOM): the server renders it, and the browser script
 * bundles the same function to keep the words fresh on an open page.
 */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** How long ago `iso` was, in words; a date once it is over a week old. */
export function timeAgo(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  const t = d.getTime();
  if (Number.isNaN(t)) return "";
  const s = Math.round((now - t) / 1000);
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? "" : "s"} ago`;
  // A little clock skew between workers must not say "in 2 seconds".
  if (s < 45) return "just now";
  if (s < 3600) return plural(Math.max(1, Math.round(s / 60)), "minute");
  if (s < 86_400) return plural(Math.round(s / 3600), "hour");
  if (s < 7 * 86_400) return plural(Math.round(s / 86_400), "day");
  const nowYear = new Date(now).getUTCFullYear();
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}${d.getUTCFullYear() === nowYear ? "" : ` ${d.getUTCFullYear()}`}`;
}

