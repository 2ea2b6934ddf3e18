/**
 * Page weight and time to main content of the web UI in real Chromium
 * (issue 13): the home page of a logged-in user (20 inbox items) and a
 * profile (anonymous and logged in), each loaded 5 times in a fresh
 * browser context (nothing cached). Weight is what travels (compressed)
 * for the HTML, CSS and JS, and their decoded size; time is first
 * contentful paint and DOMContentLoaded (the pages are server-rendered:
 * the main content is in the HTML).
 *
 *   node dist/bench/web-weight.js
 */
import { startTestServer } from "../test/support/server";
import { act, registerSession } from "../test/web/realtime/support";
import { launchBrowser } from "../test/browser/support";

interface Sample {
  transfer: number;
  decoded: number;
  fcp: number;
  dcl: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runWebWeight(runs = 5): Promise<string> {
  const server = await startTestServer();
  const browser = await launchBrowser();
  try {
    const url = server.url;
    const reader = await registerSession(url, "reader");
    const writer = await registerSession(url, "writer");
    const idOf = async (nick: string) =>
      ((await (await fetch(`${url}/api/user/${nick}/profile`, { headers: { Cookie: reader.cookie, Accept: "application/json" } })).json()) as { id: string }).id;
    await act(url, reader, "follow", { object: await idOf("writer"), objectType: "person" });
    await act(url, writer, "follow", { object: await idOf("reader"), objectType: "person" });
    for (let i = 0; i < 30; i++) {
      await act(url, writer, "post", { content: `Writer's note ${i}: some text to render, with a link https://example.org/${i}`, to: "public" });
      await act(url, reader, "post", { content: `Reader's note ${i}`, to: "followers" });
    }
    const cookies = reader.cookie.split("; ").map((c) => {
      const i = c.indexOf("=");
      return { name: c.slice(0, i), value: c.slice(i + 1), url };
    });
    const measure = async (path: string, loggedIn: boolean): Promise<Sample> => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      if (loggedIn) await ctx.addCookies(cookies);
      const page = await ctx.newPage();
      await page.goto(url + path, { waitUntil: "load" });
      const s = await page.evaluate(async () => {
        // The paint entry can come after "load": wait for it (buffered observer).
        const fcp = await new Promise<number>((resolve) => {
          new PerformanceObserver((list) => {
            const e = list.getEntriesByName("first-contentful-paint")[0];
            if (e) resolve(e.startTime);
          }).observe({ type: "paint", buffered: true });
          setTimeout(() => resolve(NaN), 3000);
        });
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const res = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter((r) => /\.(css|js)(\?|$)/.test(r.name));
        return {
          transfer: nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0),
          decoded: nav.decodedBodySize + res.reduce((n, r) => n + r.decodedBodySize, 0),
          fcp,
          dcl: nav.domContentLoadedEventEnd,
        };
      });
      await ctx.close();
      return s;
    };
    const rows: string[] = [];
    for (const [name, path, loggedIn] of [["home (logged in)", "/", true], ["profile /writer (anonymous)", "/writer", false], ["profile /writer (logged in)", "/writer", true]] as const) {
      await measure(path, loggedIn); // warm-up
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) samples.push(await measure(path, loggedIn));
      const kb = (n: number) => (n / 1024).toFixed(1);
      rows.push(`| ${name} | ${kb(median(samples.map((s) => s.transfer)))} | ${kb(median(samples.map((s) => s.decoded)))} | ${median(samples.map((s) => s.fcp)).toFixed(0)} | ${median(samples.map((s) => s.dcl)).toFixed(0)} |`);
    }
    return [
      "| Page | KiB transferred (HTML+CSS+JS) | KiB decoded | first contentful paint ms | DOMContentLoaded ms |",
      "|---|---:|---:|---:|---:|",
      ...rows,
    ].join("\n");
  } finally {
    await browser.close();
    await server.close();
  }
}

if (require.main === module) {
  runWebWeight().then(
    (md) => console.log(md),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
