/**
 * A chosen picture is shown before it is sent: every file input with
 * `data-preview="<figure id>"` fills that figure's <img> from the local
 * file (an object URL: nothing leaves the browser until the form is sent).
 */
export function enhancePreviews(): void {
  for (const input of document.querySelectorAll<HTMLInputElement>("input[type=file][data-preview]")) {
    const figure = document.getElementById(input.dataset.preview ?? "");
    const img = figure?.querySelector("img");
    if (!figure || !img) continue;
    let url: string | null = null;
    const show = (): void => {
      if (url) URL.revokeObjectURL(url);
      const file = input.files?.[0];
      url = file && file.type.startsWith("image/") ? URL.createObjectURL(file) : null;
      if (url) img.src = url;
      figure.hidden = url === null;
    };
    input.addEventListener("change", show);
    input.form?.addEventListener("reset", () => window.setTimeout(show));
  }
}
