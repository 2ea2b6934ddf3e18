/**
 * The navigation's unread badge: the layout names the person's inbox
 * streams (`data-notify-streams`); realtime follows them and, on an
 * update of one, the count is asked again of the server, which alone
 * decides what counts as a notification.
 */
import { getJson } from "./http";

export function notifyStreams(): string[] {
  const v = document.getElementById("notify-link")?.dataset.notifyStreams ?? "";
  return v.split(" ").filter(Boolean);
}

let pending: Promise<void> | null = null;

export function refreshBadge(prefix: string): Promise<void> {
  pending ??= getJson(`${prefix}/main/notifications/count`)
    .then((j) => {
      const badge = document.getElementById("notify-count");
      const n = typeof j.unread === "number" ? j.unread : 0;
      const num = badge?.querySelector(".n");
      if (!badge || !num) return;
      num.textContent = String(n);
      badge.hidden = n === 0;
    })
    .catch(() => undefined)
    .finally(() => {
      pending = null;
    });
  return pending;
}
