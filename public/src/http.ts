/** Talking to our own server: CSRF header, JSON answers, pages as documents. */

/** The session's CSRF token (layout `<meta name="csrf-token">`), or the form's own `_csrf` field. */
export function csrfToken(form?: HTMLFormElement): string {
  const field = form?.querySelector<HTMLInputElement>('input[name="_csrf"]');
  if (field?.value) return field.value;
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}

/** Thrown when a form endpoint refuses: carries the server's message. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Posts a form as the browser would, but asks for JSON; throws RequestError with the server's text. */
export async function postForm(form: HTMLFormElement, submitter?: HTMLElement | null): Promise<Record<string, unknown>> {
  const data = new FormData(form);
  if (submitter instanceof HTMLButtonElement && submitter.name) data.append(submitter.name, submitter.value);
  const body = new URLSearchParams();
  data.forEach((v, k) => {
    if (typeof v === "string") body.append(k, v);
  });
  const res = await fetch(form.action, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRF-Token": csrfToken(form) },
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: an HTML error page or an empty body.
  }
  if (!res.ok) {
    const msg = json && typeof json === "object" && typeof (json as { error?: unknown }).error === "string" ? (json as { error: string }).error : `The server said ${res.status}.`;
    throw new RequestError(msg, res.status);
  }
  return json && typeof json === "object" ? (json as Record<string, unknown>) : {};
}

/** Fetches one of our pages and parses it (DOMParser never runs its scripts). */
export async function fetchPage(url: string): Promise<Document> {
  const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (!res.ok) throw new RequestError(`The server said ${res.status}.`, res.status);
  return new DOMParser().parseFromString(await res.text(), "text/html");
}

/** GETs one of our API URLs with the session cookie (API reads accept it). */
export async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!res.ok) throw new RequestError(`The server said ${res.status}.`, res.status);
  return (await res.json()) as Record<string, unknown>;
}
