/**
 * The pump.io web client: progressive enhancement of server-rendered
 * pages (every page works without it). Loaded with `defer` from the
 * layout; no inline handlers anywhere (CSP script-src 'self').
 */
import { enhanceForms } from "./forms";
import { enhancePaging } from "./paging";
import { startRealtime } from "./realtime";
import { enhanceRecipientPicker } from "./recipients";
import { startTimes } from "./times";
import { enhancePreviews } from "./preview";
import { enhanceCompose } from "./compose";

/** The site's urlPath prefix, from where this script was loaded (`<prefix>/build/app.<hash>.js`). */
const script = document.currentScript as HTMLScriptElement | null;
const prefix = script?.src ? new URL(script.src).pathname.replace(/\/build\/[^/]*$/, "") : "";

function start(): void {
  document.documentElement.classList.add("js");
  enhanceForms();
  enhancePaging();
  enhanceRecipientPicker();
  startTimes();
  enhancePreviews();
  enhanceCompose();
  // The server marks pages data-no-realtime when realtime is off (sockjs: false).
  if (document.documentElement.dataset.noRealtime === undefined) startRealtime(prefix);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
