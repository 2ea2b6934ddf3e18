/**
 * Relative times ("5 minutes ago") go stale on a page left open: re-word
 * every `<time datetime>` in the page each minute, with the server's own words.
 */
import { timeAgo } from "../../lib/web/time-ago";

export function refreshTimes(root: ParentNode = document): void {
  for (const t of root.querySelectorAll<HTMLTimeElement>("time[datetime][title]")) {
    const words = timeAgo(t.dateTime);
    if (words && t.textContent !== words) t.textContent = words;
  }
}

export function startTimes(): void {
  window.setInterval(() => refreshTimes(), 60_000);
}
