/**
 * Realtime updates (webui.md §6) over a WebSocket to `<prefix>/main/realtime`:
 * follows every stream list on the page and prepends pushed activities to
 * the matching `ol[data-stream-url]` (duplicates skipped by
 * `data-activity-id`). Reconnects with exponential backoff and jitter
 * (capped at 30 s), sooner when the server says it is restarting.
 */
import { fetchPage } from "./http";
import { addItem, findInDoc, listsFor, parseItem, visibleStreamUrls } from "./items";
import { notifyStreams, refreshBadge } from "./notify";

const MAX_DELAY_MS = 30_000;
const BASE_DELAY_MS = 1_000;

/** Delay before reconnect attempt `n` (0-based): 1 s, 2 s, 4 s ... capped, with ±50 % jitter. */
export function backoffDelay(n: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(n, 15));
  return Math.round(exp / 2 + random() * (exp / 2));
}

interface Update {
  cmd: "update";
  url: string;
  activity: { id?: string };
  html?: string;
}

export function startRealtime(prefix: string): void {
  const watched = (): string[] => [...new Set([...visibleStreamUrls(), ...notifyStreams()])];
  const urls = watched();
  if (urls.length === 0 || !("WebSocket" in window)) return;
  const endpoint = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${prefix}/main/realtime`;
  let failures = 0;
  let opened = 0;
  let hintMs: number | null = null;
  const state = document.documentElement;

  const connect = (): void => {
    const ws = new WebSocket(endpoint);
    let pending = new Set<string>();
    ws.addEventListener("open", () => {
      failures = 0;
      opened++;
      state.dataset.realtimeConnections = String(opened);
      pending = new Set(watched());
      for (const url of pending) ws.send(JSON.stringify({ cmd: "follow", url }));
      state.dataset.realtime = "open";
    });
    ws.addEventListener("message", (e) => {
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(String(e.data)) as Record<string, unknown>;
      } catch {
        return;
      }
      if (m.cmd === "update" && typeof m.url === "string") {
        if (notifyStreams().includes(m.url)) void refreshBadge(prefix);
        void show(m as unknown as Update);
      }
      else if (m.cmd === "followed" && typeof m.url === "string") {
        pending.delete(m.url);
        // Every visible stream is followed: new activities now arrive here.
        if (pending.size === 0) state.dataset.realtime = "ready";
      }
      else if (m.cmd === "reconnect" && typeof m.afterMs === "number") hintMs = m.afterMs;
    });
    ws.addEventListener("close", () => {
      state.dataset.realtime = "closed";
      // The server restarting asked us to come back soon; otherwise back off.
      const delay = hintMs !== null ? hintMs + Math.round(Math.random() * 500) : backoffDelay(failures++);
      hintMs = null;
      window.setTimeout(connect, delay);
    });
  };
  connect();
}

async function show(u: Update): Promise<void> {
  const lists = listsFor(u.url);
  if (lists.length === 0 || typeof u.activity?.id !== "string") return;
  let item = u.html ? parseItem(u.html) : null;
  if (!item) {
    // No rendered HTML: the page itself renders the item.
    const found = findInDoc(await fetchPage(location.pathname), ["data-activity-id", u.activity.id]);
    item = found ? (document.importNode(found.item, true) as HTMLElement) : null;
  }
  if (!item) return;
  lists.forEach((list, i) => addItem(list, i === 0 ? item! : (item!.cloneNode(true) as HTMLElement), "top"));
}
