/**
 * The web upload forms without JavaScript (webui.md §5): multipart POSTs
 * of /main/upload (picture post) and /main/upload-avatar, with the
 * session's CSRF token, as a browser with scripts off sends them.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import type { TestServer } from "../support/server";
import { Browser, objectLink, registerVia, startWeb } from "../web/support";
import { LIMIT, UPLOAD_FLAGS, download, garbage, png, rotatedJpeg, storedFiles, tempEntries, toneOgg } from "./support";

/** A multipart form POST from the cookie-keeping browser (fields first, then the file, in form order). */
async function postForm(b: Browser, path: string, fields: Record<string, string>, file?: { field?: string; name: string; type: string; data: Buffer }, accept = "text/html") {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append(file.field ?? "file", new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  const cookies = (b as unknown as { cookies: Map<string, string> }).cookies;
  const headers: Record<string, string> = { Accept: accept };
  if (cookies.size) headers.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(b.base + path, { method: "POST", body: form, headers, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), text: await res.text() };
}

describe("web upload forms (no JavaScript)", () => {
  let server: TestServer;
  let alice: Browser;

  before(async () => {
    server = await startWeb(UPLOAD_FLAGS);
    alice = new Browser(server.url);
    await registerVia(alice, "alice");
  });
  after(async () => {
    await server?.close();
  });

  test("the home page has the picture form, the settings page the avatar form", async () => {
    const home = await alice.page("/");
    assert.match(home, /<form id="post-picture"[^>]*enctype="multipart\/form-data"/);
    assert.match(home, /action="\/main\/upload"/);
    const settings = await alice.page("/main/settings");
    assert.match(settings, /<form id="avatar-upload"[^>]*action="\/main\/upload-avatar"[^>]*enctype="multipart\/form-data"/);
  });

  test("posting a picture: stored, posted to the chosen audience, shown in the inbox", async () => {
    await alice.page("/");
    const res = await postForm(alice, "/main/upload", { _csrf: alice.csrf!, returnTo: "/", title: "Red square", description: "Taken <sideways>", to: "public" }, { name: "red.jpg", type: "image/jpeg", data: await rotatedJpeg() });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal(res.location, "/");
    const home = await alice.page("/");
    const img = /<a class="entry-image" href="(\/uploads\/alice\/[^"]+)"><img src="(\/uploads\/alice\/[^"]+_thumb\.jpg)" alt="Red square" width="240" height="320">/.exec(home);
    assert.ok(img, "the picture shows in the inbox");
    assert.match(home, /Taken &lt;sideways&gt;/);
    // The picture's own page shows it too.
    const page = await alice.page(objectLink(home, "alice", "image")!);
    assert.ok(page.includes(`<img src="${img[2]}" alt="Red square"`), "the object page shows the picture");
    // Public: anyone may load it.
    const anon = await download(server.url, server.url + img[2], null);
    assert.equal(anon.status, 200);
    assert.deepEqual([(await sharp(anon.body).metadata()).width, (await sharp(anon.body).metadata()).height], [240, 320]);
    assert.deepEqual(tempEntries(server.datadir), []);
  });

  test("a sound posted through the form plays in the inbox", async () => {
    await alice.page("/");
    const res = await postForm(alice, "/main/upload", { _csrf: alice.csrf!, title: "A tone", to: "public" }, { name: "tone.ogg", type: "audio/ogg", data: toneOgg() });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    const home = await alice.page("/");
    assert.match(home, /<audio class="entry-media" controls preload="none" src="\/uploads\/alice\/[^"]+\.ogg" aria-label="A tone">/);
  });

  test("a picture for followers only is not public", async () => {
    await alice.page("/");
    const res = await postForm(alice, "/main/upload", { _csrf: alice.csrf!, to: "followers" }, { name: "p.png", type: "image/png", data: await png(30, 30) }, "application/json");
    assert.equal(res.status, 200, res.text);
    const act = JSON.parse(res.text);
    assert.equal(act.verb, "post");
    assert.equal(act.object.objectType, "image");
    assert.equal((await download(server.url, act.object.image.url, null)).status, 403);
  });

  test("without the CSRF token, or logged out, nothing is stored", async () => {
    const before = storedFiles(server.datadir);
    const noToken = await postForm(alice, "/main/upload", { title: "x" }, { name: "p.png", type: "image/png", data: await png(30, 30) });
    assert.equal(noToken.status, 403);
    const wrongToken = await postForm(alice, "/main/upload-avatar", { _csrf: "forged" }, { name: "p.png", type: "image/png", data: await png(30, 30) });
    assert.equal(wrongToken.status, 403);
    const stranger = new Browser(server.url);
    const loggedOut = await postForm(stranger, "/main/upload", { _csrf: "x" }, { name: "p.png", type: "image/png", data: await png(30, 30) });
    assert.equal(loggedOut.status, 401);
    assert.deepEqual(storedFiles(server.datadir), before);
    assert.deepEqual(tempEntries(server.datadir), []);
  });

  test("no file, a corrupt file, a file too large: a 4xx page with a plain message", async () => {
    await alice.page("/");
    const before = storedFiles(server.datadir);
    const none = await postForm(alice, "/main/upload", { _csrf: alice.csrf!, title: "nothing" });
    assert.equal(none.status, 400);
    assert.match(none.text, /Choose a file to upload/);
    const corrupt = await postForm(alice, "/main/upload", { _csrf: alice.csrf! }, { name: "bad.jpg", type: "image/jpeg", data: garbage() });
    assert.equal(corrupt.status, 400);
    assert.match(corrupt.text, /not an image we can read/);
    const big = await postForm(alice, "/main/upload", { _csrf: alice.csrf! }, { name: "big.jpg", type: "image/jpeg", data: garbage(LIMIT + 10) });
    assert.equal(big.status, 413);
    assert.match(big.text, /File too large: the limit is 300 KB/);
    const notImage = await postForm(alice, "/main/upload-avatar", { _csrf: alice.csrf! }, { name: "tone.ogg", type: "audio/ogg", data: toneOgg() });
    assert.equal(notImage.status, 415);
    assert.deepEqual(storedFiles(server.datadir), before);
    assert.deepEqual(tempEntries(server.datadir), []);
  });

  test("a new avatar: a 96×96 square, on the profile, public", async () => {
    await alice.page("/main/settings");
    const res = await postForm(alice, "/main/upload-avatar", { _csrf: alice.csrf! }, { name: "me.png", type: "image/png", data: await png(300, 200) });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal(res.location, "/main/settings");
    const profile = await alice.page("/alice");
    const src = /<img class="avatar avatar-large" src="(\/uploads\/alice\/[^"]+_thumb\.png)"/.exec(profile)?.[1];
    assert.ok(src, "the profile shows the new picture");
    const thumb = await download(server.url, server.url + src, null);
    assert.equal(thumb.status, 200);
    const meta = await sharp(thumb.body).metadata();
    assert.deepEqual([meta.width, meta.height], [96, 96]);
    // The person's image, through the API too; the original in pump_io.fullImage.
    const person = await (await fetch(`${server.url}/api/user/alice/profile`, { headers: { Cookie: [...(alice as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join("; ") } })).json();
    assert.equal(person.image.width, 96);
    assert.match(person.image.url, /_thumb\.png$/);
    assert.equal(person.pump_io?.fullImage?.width, 300, JSON.stringify(person.pump_io));
    assert.deepEqual(tempEntries(server.datadir), []);
  });
});
