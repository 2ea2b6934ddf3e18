/** One polite live region for status messages (screen readers hear what changed without a reload). */
let region: HTMLElement | null = null;

export function announce(message: string, kind: "status" | "error" = "status"): void {
  if (!region) {
    region = document.createElement("div");
    region.id = "live-status";
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    document.body.append(region);
  }
  region.dataset.kind = kind;
  // Clear first so the same message twice is read twice.
  region.textContent = "";
  window.setTimeout(() => {
    if (region) region.textContent = message;
  }, 50);
}

/** Shows an error next to a form (role=alert), replacing an earlier one. */
export function formError(form: HTMLFormElement, message: string | null): void {
  let el = form.querySelector<HTMLElement>(".form-error[data-client]");
  if (message === null) {
    el?.remove();
    return;
  }
  if (!el) {
    el = document.createElement("p");
    el.className = "form-error";
    el.dataset.client = "";
    el.setAttribute("role", "alert");
    form.prepend(el);
  }
  el.textContent = message;
}
