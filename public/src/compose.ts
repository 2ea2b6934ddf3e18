/** On a phone the composers open from "New post" (CSS :target); put the cursor in the note's text right away. */
export function enhanceCompose(): void {
  document.getElementById("compose-open")?.addEventListener("click", () => {
    window.setTimeout(() => document.getElementById("note-content")?.focus());
  });
}
