/**
 * Serving below a path (`urlPath: "pumpio"`) behind a reverse proxy, both
 * kinds: one that passes /pumpio/... through, and one that strips the
 * prefix (what the original expected). Every route, page, static file and
 * generated URL must work and carry the prefix either way.
 */
import assert from "node:assert/strict";
import { get as httpGet } from "node:http";
import { after, before, describe, it } from "node:test";
import { startPathProxy, type PathProxy } from "../support/path-proxy";
import { freePort, startTestServer, type TestServer } from "../support/server";
import { clientCreds, getRequestToken, plainRequest, registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";
import { Browser, PASSWORD } from "../web/support";

const PREFIX = "/pumpio";
let server: TestServer;
let proxy: PathProxy;
/** The site as the world sees it: http://127.0.0.1:<proxy port>/pumpio */
let base: string;

before(async () => {
  const publicPort = await freePort();
  server = await startTestServer(["--url-port", String(publicPort), "--url-path", "pumpio"]);
  proxy = await startPathProxy(publicPort, server.port, PREFIX);
  base = proxy.url + PREFIX;
});
after(async () => {
  await proxy?.close();
  await server?.close();
});

/** Every absolute URL of ours in `text` lies below the prefix. */
function assertPrefixed(text: string, what: string): void {
  const ours = [...text.matchAll(/https?:\/\/127\.0\.0\.1:\d+(\/[^"'\s<>]*)?/g)].filter((m) => m[0].startsWith(proxy.url));
  assert.ok(ours.length > 0, `${what}: no URL of ours at all`);
  for (const m of ours) assert.ok(m[0].startsWith(base + "/") || m[0] === base, `${what}: ${m[0]} lacks ${PREFIX}`);
}

for (const strip of [false, true]) {
  const mode = strip ? "a proxy that strips the prefix" : "a proxy that passes the path through";
  const nick = strip ? "stripped" : "passed";
  describe(`urlPath behind ${mode}`, () => {
    before(() => {
      proxy.strip = strip;
    });

    it("serves the home page, its stylesheet and its script below the prefix", async () => {
      const home = await plainRequest(base, "GET", "/");
      assert.equal(home.status, 200, home.text.slice(0, 300));
      const css = /<link rel="stylesheet" href="([^"]+)"/.exec(home.text)?.[1];
      const js = /<script src="([^"]+)"/.exec(home.text)?.[1];
      assert.equal(css, `${PREFIX}/stylesheet/pump.css`);
      assert.match(js ?? "", /^\/pumpio\/build\/app\.[A-Z0-9]+\.js$/);
      for (const path of [css, js] as string[]) assert.equal((await fetch(proxy.url + path)).status, 200, path);
      assert.match(home.text, /href="\/pumpio\/main\/login"/);
      assert.match(home.text, /href="\/pumpio\/main\/register"/);
    });

    it("registers a client and a user, and answers OAuth-signed requests; ids carry the prefix", async () => {
      const client = await registerClient(base);
      const { user, token } = await registerUser(base, client, nick, PASSWORD);
      assertPrefixed(JSON.stringify(user), "the new user");
      const me = userCreds(client, token);
      const post = await signedRequest(base, me, "POST", `/api/user/${nick}/feed`, { verb: "post", object: { objectType: "note", content: "below a path" } });
      assert.equal(post.status, 200, post.text);
      assert.ok(post.body.id.startsWith(`${base}/api/activity/`), post.body.id);
      assert.ok(post.body.object.id.startsWith(`${base}/api/note/`), post.body.object.id);
      const feed = await signedRequest(base, me, "GET", `/api/user/${nick}/feed`);
      assert.equal(feed.status, 200, feed.text);
      assert.equal(feed.body.items[0].id, post.body.id);
      assertPrefixed(feed.text, "the feed");
      const whoami = await signedRequest(base, me, "GET", "/api/whoami");
      assert.ok([200, 302].includes(whoami.status), whoami.text);
      // The three-legged flow starts with a signed POST to <prefix>/oauth/request_token.
      assert.ok((await getRequestToken(base, client)).token);
      // Webfinger, by account and by profile URL: links below the prefix.
      for (const resource of [`acct:${nick}@${new URL(proxy.url).host}`, user.profile.id as string]) {
        const wf = await plainRequest(base, "GET", `/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
        assert.equal(wf.status, 200, `${resource}: ${wf.text}`);
        assertPrefixed(wf.text, `webfinger ${resource}`);
      }
      // A request signed for another URL is still refused.
      const wrong = await signedRequest(proxy.url, clientCreds(client), "GET", `${PREFIX}/api/user/${nick}/feed`, undefined, { headers: { Host: "elsewhere.example" } });
      assert.ok([301, 401].includes(wrong.status), String(wrong.status));
    });

    it("hands out discovery links below the prefix", async () => {
      const meta = await plainRequest(base, "GET", "/.well-known/host-meta.json");
      assert.equal(meta.status, 200);
      assertPrefixed(meta.text, "host-meta");
      const xrd = await plainRequest(base, "GET", "/.well-known/host-meta");
      assertPrefixed(xrd.text, "host-meta XRD");
      // Also from the site's root, where other servers look for it.
      const root = await plainRequest(proxy.url, "GET", "/.well-known/host-meta.json");
      assert.equal(root.status, 200);
      assertPrefixed(root.text, "host-meta at the root");
    });

    it("logs in through the web form: actions, redirects and the cookie carry the prefix", async () => {
      const anon = new Browser(base);
      const away = await anon.get("/main/account");
      assert.equal(away.status, 302);
      assert.equal(away.location, `${PREFIX}/main/login?continue=${encodeURIComponent(`${PREFIX}/main/account`)}`);

      const b = new Browser(base);
      const form = await b.page("/main/login");
      assert.match(form, /<form id="login"[^>]*action="\/pumpio\/main\/login"/);
      const login = await b.submit("/main/login", { nickname: nick, password: PASSWORD }, "/main/login");
      assert.equal(login.status, 303, login.text.slice(0, 300));
      assert.equal(login.location, `${PREFIX}/`);
      assert.ok(login.headers.getSetCookie().some((c) => /^pump\.sid=.*;\s*Path=\/pumpio(;|$)/i.test(c)), login.headers.getSetCookie().join("\n"));
      const home = await b.page("/");
      assert.match(home, /action="\/pumpio\/main\/logout"/);
      assert.match(home, new RegExp(`href="/pumpio/${nick}"`));
      const post = await b.submit("/main/post", { content: "from the form", to: "public" });
      assert.equal(post.status, 303, post.text.slice(0, 300));
      assert.ok(post.location?.startsWith(`${PREFIX}/`), post.location ?? "");
      await b.page(`/${nick}`);
    });

    it("redirects another Host to the canonical URL, prefix included once", async () => {
      const location = await new Promise<string | undefined>((resolve, reject) => {
        const req = httpGet(`${proxy.url}${PREFIX}/main/login?x=1`, { headers: { Host: "other.example" } }, (res) => {
          res.resume();
          resolve(res.statusCode === 301 ? res.headers.location : `status ${res.statusCode}`);
        });
        req.on("error", reject);
      });
      assert.equal(location, `${base}/main/login?x=1`);
    });

    it("answers a JSON 404 for an unknown API path", async () => {
      const res = await plainRequest(base, "GET", "/api/no/such/thing");
      assert.equal(res.status, 404);
      assert.equal(typeof res.body.error, "string");
    });
  });
}

describe("urlPath: names", () => {
  it("reserves the prefix as a nickname (a stripping proxy would read /pumpio as the prefix)", async () => {
    const client = await registerClient(base);
    const res = await signedRequest(base, clientCreds(client), "POST", "/api/users", { nickname: "pumpio", password: PASSWORD });
    assert.equal(res.status, 400, res.text);
  });
});
