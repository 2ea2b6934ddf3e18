/**
 * The recipient picker of the note form: the form's `to` select keeps
 * Public / Followers / lists; a search field finds people the user
 * follows (`GET /api/user/<me>/following?q=`, read with the session) and
 * adds the chosen one to the select as "Only <name>".
 */
import { announce } from "./announce";
import { getJson } from "./http";

interface Person {
  id: string;
  name: string;
  handle: string;
}

export function enhanceRecipientPicker(): void {
  const me = document.body.dataset.nickname;
  for (const select of document.querySelectorAll<HTMLSelectElement>('form[data-action="post"] select[name="to"]')) {
    if (me) build(select, me);
  }
}

function build(select: HTMLSelectElement, me: string): void {
  const base = `${select.id || "to"}-search`;
  const box = document.createElement("div");
  box.className = "recipient-search stack";
  box.innerHTML = `
    <label for="${base}">Or send only to someone you follow</label>
    <input id="${base}" type="text" inputmode="search" enterkeyhint="search" autocomplete="off" spellcheck="false" aria-describedby="${base}-status" aria-controls="${base}-results">
    <p id="${base}-status" class="muted" aria-live="polite"></p>
    <ul id="${base}-results" class="recipient-results" aria-label="Matching people"></ul>`;
  const row = select.closest(".row") ?? select;
  row.after(box);
  // Keep the Post button last, after the picker, in reading and tab order.
  const post = row.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (post) {
    const actions = document.createElement("div");
    actions.className = "row";
    actions.append(post);
    box.after(actions);
  }
  const input = box.querySelector("input") as HTMLInputElement;
  const status = box.querySelector("p") as HTMLElement;
  const results = box.querySelector("ul") as HTMLUListElement;
  const apiBase = document.querySelector<HTMLElement>("ol[data-stream-url]")?.dataset.streamUrl?.replace(/\/api\/user\/.*$/, "") ?? "";
  let timer = 0;
  let seq = 0;
  // Empty status and result list take no room.
  const tidy = (): void => {
    status.hidden = !status.textContent;
    results.hidden = results.childElementCount === 0;
  };
  new MutationObserver(tidy).observe(box, { childList: true, subtree: true, characterData: true });
  tidy();

  const search = async (q: string): Promise<void> => {
    const mine = ++seq;
    results.replaceChildren();
    if (q.trim() === "") {
      status.textContent = "";
      return;
    }
    let people: Person[];
    try {
      const json = await getJson(`${apiBase}/api/user/${encodeURIComponent(me)}/following?${new URLSearchParams({ q: q.trim(), count: "10" })}`);
      people = (Array.isArray(json.items) ? json.items : []).flatMap((p: Record<string, unknown>) =>
        typeof p.id === "string" ? [{ id: p.id, name: String(p.displayName || p.preferredUsername || p.id), handle: String(p.preferredUsername ?? "") }] : [],
      );
    } catch {
      if (mine === seq) status.textContent = "Could not search right now.";
      return;
    }
    if (mine !== seq) return; // an older answer arriving late
    status.textContent = people.length === 0 ? "Nobody you follow matches." : `${people.length} match${people.length === 1 ? "" : "es"}.`;
    for (const p of people) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "small";
      b.textContent = p.handle ? `${p.name} (@${p.handle})` : p.name;
      b.addEventListener("click", () => choose(p));
      li.append(b);
      results.append(li);
    }
  };

  const choose = (p: Person): void => {
    const value = `person:${p.id}`;
    let option = [...select.options].find((o) => o.value === value);
    if (!option) {
      option = new Option(`Only ${p.name}`, value);
      select.add(option);
    }
    select.value = value;
    results.replaceChildren();
    input.value = "";
    status.textContent = "";
    announce(`The note will go only to ${p.name}.`);
    select.focus();
  };

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void search(input.value), 250);
  });
  input.addEventListener("keydown", (e) => {
    // Enter searches now instead of posting the note; Down moves into the results.
    if (e.key === "Enter") {
      e.preventDefault();
      window.clearTimeout(timer);
      void search(input.value);
    } else if (e.key === "ArrowDown") {
      results.querySelector("button")?.focus();
      e.preventDefault();
    }
  });
  results.addEventListener("keydown", (e) => {
    const buttons = [...results.querySelectorAll("button")];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === "ArrowDown" && i >= 0) buttons[Math.min(i + 1, buttons.length - 1)].focus();
    else if (e.key === "ArrowUp" && i > 0) buttons[i - 1].focus();
    else if (e.key === "ArrowUp" || e.key === "Escape") input.focus();
    else return;
    e.preventDefault();
  });
}
