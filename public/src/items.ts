/** Stream lists (`ol[data-stream-url]`) and their items (`li[data-activity-id]` / `li[data-object-id]`). */

/** The attribute and value that identify an item across page loads, or null. */
export function itemKey(el: Element): [string, string] | null {
  for (const attr of ["data-activity-id", "data-object-id"]) {
    const v = el.getAttribute(attr);
    if (v) return [attr, v];
  }
  return null;
}

function selectorFor([attr, value]: [string, string]): string {
  return `[${attr}="${CSS.escape(value)}"]`;
}

/** The lists on this page that show the stream with this API URL. */
export function listsFor(url: string): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>("ol[data-stream-url]")].filter((ol) => ol.dataset.streamUrl === url);
}

/** Every stream URL shown on the page (for realtime follows). */
export function visibleStreamUrls(): string[] {
  const urls = new Set<string>();
  for (const ol of document.querySelectorAll<HTMLElement>("ol[data-stream-url]")) if (ol.dataset.streamUrl) urls.add(ol.dataset.streamUrl);
  return [...urls];
}

/** Parses server-rendered item HTML (our own templates' output) into the first element. */
export function parseItem(html: string): HTMLElement | null {
  const t = document.createElement("template");
  t.innerHTML = html.trim();
  const el = t.content.firstElementChild;
  return el instanceof HTMLElement ? el : null;
}

/** True when the list already holds an item with this key. */
export function hasItem(list: Element, key: [string, string]): boolean {
  return list.querySelector(`:scope > ${selectorFor(key)}`) !== null;
}

/**
 * Items deleted on this page. A realtime update of the same activity can
 * arrive after the delete (the push is slower than the click under load),
 * and must not bring the item back.
 */
const deleted = new Set<string>();

/** Removes a deleted item from the page for good. */
export function removeDeletedItem(item: HTMLElement): void {
  const key = itemKey(item);
  if (key) deleted.add(key.join("="));
  item.remove();
}

/** Puts an item at the top (or bottom) of a list unless it is already there; returns whether it was added. */
export function addItem(list: HTMLElement, item: HTMLElement, where: "top" | "bottom"): boolean {
  const key = itemKey(item);
  if (!key || hasItem(list, key) || deleted.has(key.join("="))) return false;
  item.classList.add("item-new");
  if (where === "top") {
    list.prepend(item);
    bumpCount(list);
  } else list.append(item);
  // The "nothing here yet" text no longer applies.
  list.parentElement?.querySelector(":scope > .empty")?.remove();
  return true;
}

/** The enclosing item (or the page's single object) a control belongs to. */
export function enclosingItem(el: Element): HTMLElement | null {
  return el.closest<HTMLElement>("li[data-activity-id], li[data-object-id], article[data-object-id], aside[data-object-id]");
}

/** Finds the same item in another document (a re-read of this page). */
export function sameItemIn(doc: Document, item: Element): HTMLElement | null {
  const key = itemKey(item);
  if (!key) return null;
  const tag = item.tagName.toLowerCase();
  const listId = item.parentElement?.id;
  if (listId) {
    const inList = doc.getElementById(listId)?.querySelector<HTMLElement>(`:scope > ${tag}${selectorFor(key)}`);
    if (inList) return inList;
  }
  return doc.querySelector<HTMLElement>(`${tag}${selectorFor(key)}`);
}

/** An item with this key in a list of another document (where the page puts a new activity). */
export function findInDoc(doc: Document, key: [string, string]): { item: HTMLElement; list: HTMLElement } | null {
  const item = doc.querySelector<HTMLElement>(`ol[data-stream-url] > ${selectorFor(key)}`);
  const list = item?.parentElement;
  return item && list ? { item, list } : null;
}

/** A new item at the top is one more in the stream: the heading's "(N)" follows. */
function bumpCount(list: HTMLElement): void {
  const count = list.id ? document.getElementById(`${list.id}-title`)?.querySelector(".count") : null;
  const m = count?.textContent ? /^\((\d+)\)$/.exec(count.textContent.trim()) : null;
  if (count && m) count.textContent = `(${Number(m[1]) + 1})`;
}
