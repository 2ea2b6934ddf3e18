/**
 * Uploads through the API (api.md §10) on a real server: the raw body
 * with its type (as pump-post-file sends it) and the JSON base64 form,
 * thumbnails, types, refusals (corrupt, unsupported, too large), and the
 * temp folder empty after every request.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { PUBLIC, startApi, type ApiFixture, type TestUser } from "../api/support";
import { LIMIT, UPLOAD_FLAGS, garbage, png, postFile, rotatedJpeg, storedFiles, tempEntries, toneOgg, upload, download } from "./support";

const URL_SHAPE = /\/uploads\/alice\/\d{4}\/\d{1,2}\/\d{1,2}\/[A-Za-z0-9_-]+(_thumb)?\.[a-z0-9]+$/;

describe("uploads API", () => {
  let api: ApiFixture;
  let alice: TestUser;

  before(async () => {
    api = await startApi(UPLOAD_FLAGS);
    alice = await api.user("alice");
  });
  after(async () => {
    await api?.close();
  });

  const count = async (): Promise<number> => (await api.ok(alice.creds, "GET", "/api/user/alice/uploads")).totalItems;

  test("a JPEG with EXIF orientation 6 is stored upright, thumbnailed to 320 on its longest side", async () => {
    const obj = await upload(api, alice, await rotatedJpeg(), "image/jpeg");
    assert.equal(obj.objectType, "image");
    assert.equal(obj.author.id, alice.id);
    assert.match(obj.fullImage.url, URL_SHAPE);
    assert.match(obj.image.url, /_thumb\.jpg$/);
    // The original's layout: <nick>/<UTC year>/<month, no zero pad>/<day>/<random>.<ext>.
    const now = new Date();
    assert.ok(obj.fullImage.url.includes(`/uploads/alice/${now.getUTCFullYear()}/${now.getUTCMonth() + 1}/`), obj.fullImage.url);
    assert.deepEqual([obj.fullImage.width, obj.fullImage.height], [480, 640]);
    assert.deepEqual([obj.image.width, obj.image.height], [240, 320]);

    const full = await download(api.server.url, obj.fullImage.url, alice.creds);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get("content-type"), "image/jpeg");
    const fm = await sharp(full.body).metadata();
    assert.deepEqual([fm.width, fm.height], [480, 640]);
    assert.ok(fm.orientation === undefined || fm.orientation === 1, `orientation left in the file: ${fm.orientation}`);
    assert.equal(fm.exif, undefined, "EXIF (GPS and the like) is dropped");
    const thumb = await download(api.server.url, obj.image.url, alice.creds);
    const tm = await sharp(thumb.body).metadata();
    assert.deepEqual([tm.width, tm.height, tm.format], [240, 320, "jpeg"]);
    assert.deepEqual(tempEntries(api.server.datadir), []);
  });

  test("a PNG as JSON {mimeType, data} in URL-safe base64 without padding", async () => {
    const data = (await png(800, 200)).toString("base64url").replace(/=+$/, "");
    const obj = await api.ok(alice.creds, "POST", "/api/user/alice/uploads", { mimeType: "image/png", data });
    assert.equal(obj.objectType, "image");
    assert.deepEqual([obj.image.width, obj.image.height], [320, 80]);
    assert.deepEqual([obj.fullImage.width, obj.fullImage.height], [800, 200]);
    const thumb = await download(api.server.url, obj.image.url, alice.creds);
    assert.equal(thumb.headers.get("content-type"), "image/png");
    assert.equal((await sharp(thumb.body).metadata()).format, "png");
  });

  test("a small image is its own thumbnail", async () => {
    const obj = await upload(api, alice, await png(100, 50), "image/png");
    assert.equal(obj.image.url, obj.fullImage.url);
    assert.deepEqual([obj.image.width, obj.image.height], [100, 50]);
  });

  test("the JSON form needs mimeType and data", async () => {
    const noType = await api.req(alice.creds, "POST", "/api/user/alice/uploads", { data: "AAAA" });
    assert.equal(noType.status, 400);
    assert.equal(noType.body.error, "No mime type");
    const noData = await api.req(alice.creds, "POST", "/api/user/alice/uploads", { mimeType: "image/png" });
    assert.equal(noData.status, 400);
    assert.equal(noData.body.error, "No data");
    const notBase64 = await api.req(alice.creds, "POST", "/api/user/alice/uploads", { mimeType: "image/png", data: "not base64!" });
    assert.equal(notBase64.status, 400);
  });

  test("an OGG file is an audio object with a stream, served with Range", async () => {
    const ogg = toneOgg();
    const obj = await upload(api, alice, ogg, "audio/ogg");
    assert.equal(obj.objectType, "audio");
    assert.match(obj.stream.url, /\.ogg$/);
    const whole = await download(api.server.url, obj.stream.url, alice.creds);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("content-type"), "audio/ogg");
    assert.equal(whole.headers.get("accept-ranges"), "bytes");
    assert.ok(whole.body.equals(ogg), "the file comes back byte for byte");
    assert.ok(whole.headers.get("etag"), "ETag for revalidation");
    assert.ok(whole.headers.get("last-modified"));
    assert.match(whole.headers.get("cache-control") ?? "", /^private, max-age=\d+$/, "not posted yet: private");

    const part = await download(api.server.url, obj.stream.url, alice.creds, { Range: "bytes=100-199" });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 100-199/${ogg.length}`);
    assert.ok(part.body.equals(ogg.subarray(100, 200)));
    const again = await download(api.server.url, obj.stream.url, alice.creds, { "If-None-Match": whole.headers.get("etag")! });
    assert.equal(again.status, 304);
  });

  test("another file type is a file object, served only as a download", async () => {
    const bytes = Buffer.from("%PDF-1.4\n% not really\n");
    const obj = await upload(api, alice, bytes, "application/pdf");
    assert.equal(obj.objectType, "file");
    assert.equal(obj.mimeType, "application/pdf");
    assert.match(obj.fileUrl, /\.bin$/);
    const got = await download(api.server.url, obj.fileUrl, alice.creds);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "application/octet-stream");
    assert.match(got.headers.get("content-disposition") ?? "", /^attachment/);
    assert.ok(got.body.equals(bytes));
  });

  test("a corrupt image, fake audio and an SVG are refused with a plain message; nothing is stored", async () => {
    const before = storedFiles(api.server.datadir);
    const total = await count();
    const jpeg = await postFile(api.server.url, alice.creds, "/api/user/alice/uploads", garbage(), "image/jpeg");
    assert.equal(jpeg.status, 400);
    assert.match(jpeg.body.error, /not an image/);
    // A real JPEG cut in half: the header reads fine, the data does not.
    const whole = await rotatedJpeg();
    const cut = await postFile(api.server.url, alice.creds, "/api/user/alice/uploads", whole.subarray(0, whole.length >> 1), "image/jpeg");
    assert.equal(cut.status, 400, cut.text);
    const ogg = await postFile(api.server.url, alice.creds, "/api/user/alice/uploads", garbage(), "audio/ogg");
    assert.equal(ogg.status, 400);
    assert.match(ogg.body.error, /not a valid OGG audio file/);
    const svg = await postFile(api.server.url, alice.creds, "/api/user/alice/uploads", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'), "image/svg+xml");
    assert.equal(svg.status, 415);
    assert.match(svg.body.error, /Unsupported image format/);
    const empty = await postFile(api.server.url, alice.creds, "/api/user/alice/uploads", Buffer.alloc(0), "image/png");
    assert.equal(empty.status, 400);
    assert.deepEqual(storedFiles(api.server.datadir), before);
    assert.equal(await count(), total);
    assert.deepEqual(tempEntries(api.server.datadir), []);
  });

  test("a file over maxUploadSize gets a 413 with a clear message, raw or JSON; nothing is left behind", async () => {
    const before = storedFiles(api.server.datadir);
    const big = garbage(LIMIT + 1);
    const raw = await postFile(api.server.url, alice.creds, "/api/user/alice/uploads", big, "image/jpeg");
    assert.equal(raw.status, 413);
    assert.equal(raw.body.error, "File too large: the limit is 300 KB");
    const json = await api.req(alice.creds, "POST", "/api/user/alice/uploads", { mimeType: "image/png", data: big.toString("base64") });
    assert.equal(json.status, 413);
    assert.equal(json.body.error, "File too large: the limit is 300 KB");
    // Exactly at the limit is fine as far as size goes (then refused as not an image).
    const atLimit = await postFile(api.server.url, alice.creds, "/api/user/alice/uploads", garbage(LIMIT), "image/jpeg");
    assert.equal(atLimit.status, 400);
    assert.deepEqual(storedFiles(api.server.datadir), before);
    assert.deepEqual(tempEntries(api.server.datadir), []);
  });

  test("a form-encoded body is no upload: 415, not a hang", async () => {
    const res = await api.req(alice.creds, "POST", "/api/user/alice/uploads", { mimeType: "image/png", data: "AAAA" }, { form: true });
    assert.equal(res.status, 415);
    assert.match(res.body.error, /Send the file itself/);
    assert.deepEqual(tempEntries(api.server.datadir), []);
  });

  test("only the owner uploads and lists uploads", async () => {
    const bob = await api.user("bob");
    const asBob = await postFile(api.server.url, bob.creds, "/api/user/alice/uploads", await png(10, 10), "image/png");
    assert.equal(asBob.status, 401);
    const anon = await postFile(api.server.url, api.anon, "/api/user/alice/uploads", await png(10, 10), "image/png");
    assert.ok(anon.status === 400 || anon.status === 401, `2-legged upload: ${anon.status}`);
    const list = await api.req(bob.creds, "GET", "/api/user/alice/uploads");
    assert.equal(list.status, 401);
    const mine = await api.ok(alice.creds, "GET", "/api/user/alice/uploads");
    assert.ok(mine.totalItems >= 4);
    assert.ok(mine.items.every((o: any) => o.author?.id === alice.id));
    assert.equal(mine.url, `${api.server.url}/api/user/alice/uploads`);
  });

  test("pump-post-file's second step: posting the uploaded object publishes it", async () => {
    const obj = await upload(api, alice, await png(400, 400), "image/png");
    const act = await api.ok(alice.creds, "POST", "/api/user/alice/feed", {
      verb: "post",
      object: { id: obj.id, objectType: obj.objectType },
      to: [{ id: PUBLIC, objectType: "collection" }],
    });
    assert.equal(act.object.id, obj.id);
    assert.equal(act.object.image.url, obj.image.url);
    assert.equal(act.object.fullImage.url, obj.fullImage.url);
    const again = await api.req(alice.creds, "POST", "/api/user/alice/feed", { verb: "post", object: { id: obj.id, objectType: "image" } });
    assert.equal(again.status, 400, "a second post of the same upload is refused");
  });
});

describe("uploads switched off", () => {
  let api: ApiFixture;
  before(async () => {
    api = await startApi();
  });
  after(async () => {
    await api?.close();
  });

  test("the upload routes are absent", async () => {
    const alice = await api.user("alice");
    const res = await postFile(api.server.url, alice.creds, "/api/user/alice/uploads", await png(10, 10), "image/png");
    assert.equal(res.status, 404);
    const get = await api.bare("GET", "/uploads/alice/2024/1/1/abc.jpg");
    assert.equal(get.status, 404);
  });
});
