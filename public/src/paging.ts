/**
 * Infinite "older" paging: when a stream's Older link (`a[data-stream-older]`)
 * nears the viewport, or is activated, the next page is read and its items
 * appended to the list; the link then points further back, or goes away.
 */
import { announce } from "./announce";
import { fetchPage } from "./http";
import { addItem } from "./items";

export function enhancePaging(): void {
  const links = [...document.querySelectorAll<HTMLAnchorElement>("a[data-stream-older]")];
  if (links.length === 0) return;
  const observer =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          (entries) => {
            for (const e of entries) if (e.isIntersecting) void loadOlder(e.target as HTMLAnchorElement, false, observer);
          },
          { rootMargin: "0px 0px 600px 0px" },
        )
      : null;
  for (const link of links) {
    link.addEventListener("click", (e) => {
      e.preventDefault();
      void loadOlder(link, true, observer);
    });
    observer?.observe(link);
  }
}

async function loadOlder(link: HTMLAnchorElement, byUser: boolean, observer: IntersectionObserver | null): Promise<void> {
  if (link.dataset.loading === "true") {
    // Already loading (scrolled near it): the person who pressed it still gets focus moved.
    if (byUser) link.dataset.focusAfter = "true";
    return;
  }
  if (!link.isConnected) return;
  const listId = link.dataset.streamOlder ?? "";
  const list = document.getElementById(listId);
  if (!list) return;
  link.dataset.loading = "true";
  link.setAttribute("aria-busy", "true");
  try {
    const doc = await fetchPage(link.href);
    const older = doc.getElementById(listId);
    let first: HTMLElement | null = null;
    let added = 0;
    for (const item of [...(older?.children ?? [])]) {
      const copy = document.importNode(item, true) as HTMLElement;
      if (addItem(list, copy, "bottom")) {
        added++;
        first ??= copy;
      }
    }
    const next = doc.querySelector<HTMLAnchorElement>(`a[data-stream-older="${CSS.escape(listId)}"]`);
    if (next) {
      link.href = next.href;
      // Still near the viewport? Observing again reports it afresh.
      observer?.unobserve(link);
      window.setTimeout(() => observer?.observe(link), 0);
    } else {
      observer?.unobserve(link);
      (link.closest(".older") ?? link).remove();
    }
    announce(added > 0 ? `Loaded ${added} older item${added === 1 ? "" : "s"}.` : "No older items.");
    // Someone who pressed the link continues reading from the first new item.
    if ((byUser || link.dataset.focusAfter === "true") && first) {
      first.tabIndex = -1;
      first.focus();
    }
  } catch {
    announce("Could not load older items.", "error");
  } finally {
    delete link.dataset.loading;
    delete link.dataset.focusAfter;
    link.removeAttribute("aria-busy");
  }
}
