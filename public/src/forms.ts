/**
 * Progressive enhancement of the pages' forms: the same POST endpoints,
 * sent with fetch (CSRF header, JSON answer), then the changed item is
 * re-read from the page itself so what shows is exactly what the server
 * renders. Without this script every form still works by navigation.
 */
import { announce, formError } from "./announce";
import { fetchPage, postForm, RequestError } from "./http";
import { addItem, enclosingItem, findInDoc, itemKey, listsFor, removeDeletedItem, sameItemIn } from "./items";

const DONE: Record<string, string> = {
  like: "Liked.",
  unlike: "Like removed.",
  share: "Shared.",
  unshare: "Share removed.",
  follow: "Now following.",
  unfollow: "No longer following.",
  delete: "Deleted.",
  reply: "Reply posted.",
  post: "Posted.",
};

/** Actions handled in place; others (login, settings, logout...) navigate as usual. */
const IN_PLACE = new Set(Object.keys(DONE));

export function enhanceForms(): void {
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    const action = form.dataset.action ?? "";
    if (!IN_PLACE.has(action) || form.method.toLowerCase() !== "post") return;
    e.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    void submit(form, action, e.submitter);
  });
}

async function submit(form: HTMLFormElement, action: string, submitter: HTMLElement | null): Promise<void> {
  const buttons = [...form.querySelectorAll<HTMLButtonElement>("button")];
  form.setAttribute("aria-busy", "true");
  buttons.forEach((b) => (b.disabled = true));
  const sent = typedText(form);
  try {
    const result = await postForm(form, submitter);
    formError(form, null);
    if (action === "post") await afterPost(form, result, sent);
    else if (action === "delete") {
      const item = enclosingItem(form);
      if (item) removeDeletedItem(item);
    }
    else await afterAction(form, action);
    announce(DONE[action] ?? "Done.");
  } catch (err) {
    const msg = err instanceof RequestError ? err.message : "Could not reach the server. Please try again.";
    formError(form, msg);
    announce(msg, "error");
  } finally {
    form.removeAttribute("aria-busy");
    buttons.forEach((b) => (b.disabled = false));
  }
}

/** A new note: clear the form and show the item where this page lists it. */
/** What the form's text fields hold, to tell whether someone typed more while it was posting. */
function typedText(form: HTMLFormElement): string {
  return [...form.querySelectorAll<HTMLTextAreaElement | HTMLInputElement>("textarea, input[type=text]")].map((f) => f.value).join("\u0000");
}

async function afterPost(form: HTMLFormElement, activity: Record<string, unknown>, sent: string): Promise<void> {
  // The live item can show before the answer does; someone who already typed
  // the next note in the meantime must not lose it to this reset.
  if (typedText(form) === sent) form.reset();
  const id = typeof activity.id === "string" ? activity.id : null;
  if (!id) return;
  // The first page of this page, where the newest items are.
  const doc = await fetchPage(location.pathname);
  const found = findInDoc(doc, ["data-activity-id", id]);
  if (!found) return;
  const url = found.list.dataset.streamUrl ?? "";
  const targets = url ? listsFor(url) : [];
  for (const list of targets) addItem(list, document.importNode(found.item, true) as HTMLElement, "top");
}

/** Like, share, follow, reply...: the item (counts, pressed buttons) is re-read from the page. */
async function afterAction(form: HTMLFormElement, action: string): Promise<void> {
  const item = enclosingItem(form);
  if (action === "reply") {
    form.reset();
    const details = form.closest("details");
    if (details) details.open = false;
  }
  if (!item) return;
  const doc = await fetchPage(location.pathname + location.search);
  const fresh = sameItemIn(doc, item);
  if (!fresh) return;
  const key = itemKey(item);
  const focusAction = action === "reply" ? null : counterpart(action);
  const replacement = document.importNode(fresh, true) as HTMLElement;
  item.replaceWith(replacement);
  // Keep keyboard users where they were: on the toggled button of the new item.
  const target = focusAction
    ? replacement.querySelector<HTMLButtonElement>(`form[data-action="${focusAction}"] button[type="submit"]`)
    : replacement.querySelector<HTMLElement>("details.reply > summary");
  (target ?? replacement.querySelector<HTMLElement>("a, button"))?.focus();
  if (key) replacement.dataset.refreshed = "";
}

function counterpart(action: string): string {
  const pairs: Record<string, string> = { like: "unlike", unlike: "like", share: "unshare", unshare: "share", follow: "unfollow", unfollow: "follow" };
  return pairs[action] ?? action;
}
