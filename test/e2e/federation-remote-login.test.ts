// Log in with a remote account (federation.md §10) and the web UI's
// "follow someone on another server" box, between two real bin/pump
// servers on 127.0.0.5 and 127.0.0.6, driven by a cookie-keeping client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanupAfter } from "../cluster/support";
import { Browser } from "../web/support";
import { PASSWORD, eventually, ids, items, pathOf, post, startPeer, user, PUBLIC, type Peer } from "./federation-support";

/** Runs the remote login of `nickname`@B into a fresh browser session at A; returns A's browser. */
export async function remoteLogin(A: Peer, B: Peer, nickname: string): Promise<Browser> {
  const a = new Browser(A.url);
  const login = await a.page("/main/login");
  assert.match(login, /href="\/main\/remote"/, "the login page links to the remote login");
  await a.page("/main/remote");
  const start = await a.submit("/main/remote", { webfinger: `${nickname}@${B.host}` });
  assert.equal(start.status, 303, `POST /main/remote: ${start.status} ${/id="remote-error"[^>]*>([^<]*)/.exec(start.text)?.[1] ?? start.text.slice(0, 300)}`);
  const authorize = new URL(start.location!);
  assert.equal(authorize.host, B.host, "the browser is sent to the home server");
  assert.ok(authorize.searchParams.get("oauth_token"));

  // At B: log in and approve (B's own pages, its own cookies).
  const b = new Browser(B.url);
  await b.page(pathOf(authorize.href));
  const loggedIn = await b.submit("/oauth/authorize", { oauth_token: authorize.searchParams.get("oauth_token")!, username: nickname, password: PASSWORD });
  let back: string;
  if (loggedIn.status === 200) {
    const verifier = /name="verifier" value="([^"]+)"/.exec(loggedIn.text)?.[1];
    assert.ok(verifier, `authorize page: ${loggedIn.text.slice(0, 300)}`);
    const approved = await b.submit("/oauth/authorize", { oauth_token: authorize.searchParams.get("oauth_token")!, verifier });
    assert.equal(approved.status, 303);
    back = approved.location!;
  } else {
    assert.ok([302, 303].includes(loggedIn.status), `login at B: ${loggedIn.status}`);
    back = loggedIn.location!;
  }
  const callback = new URL(back);
  assert.equal(callback.host, A.host);
  assert.equal(callback.pathname, `/main/authorized/${encodeURIComponent(B.host)}`);
  const done = await a.get(pathOf(callback.href));
  assert.equal(done.status, 303, `callback: ${done.status} ${done.text.slice(0, 300)}`);
  assert.equal(done.location, "/main/remote/home");
  return a;
}

test("remote login, reading and posting through the proxy; refusals; the follow box", { timeout: 300_000 }, async (t) => {
  const peers: Peer[] = [];
  t.after(async () => {
    for (const p of peers) if (p.cluster.pump.child.exitCode === null) await p.cluster.stop();
  });
  for (const n of [5, 6]) {
    const p = await startPeer(n);
    cleanupAfter(t, p.dir, () => p.cluster);
    peers.push(p);
  }
  const [A, B] = peers as [Peer, Peer];
  const bob = await user(B, "bob");
  await user(A, "alice");

  await t.test("bob@B logs in at A, reads his inbox and posts through A", async () => {
    const a = await remoteLogin(A, B, "bob");
    const home = await a.page("/main/remote/home");
    assert.match(home, /id="remote-viewer"/, "the page shows the remote person");
    assert.equal((await a.get("/")).location, "/main/remote/home", "home is the remote home");
    assert.doesNotMatch(home, /href="\/main\/settings"/, "no local-only controls");
    const posted = await a.submit("/main/proxy", { content: "Hello from A's web UI" });
    assert.equal(posted.status, 303, `proxy: ${posted.status} ${posted.text.slice(0, 300)}`);
    // The note is bob's, at B: in his outbox, by B's own API.
    const outbox = await items(bob, "/api/user/bob/feed");
    const note = outbox.find((i) => i.object?.content === "Hello from A's web UI");
    assert.ok(note, "the note was posted at B as bob");
    // Reading through A: bob's inbox at B holds his own post.
    const again = await a.page("/main/remote/home?posted=1");
    assert.match(again, /Hello from A&#39;s web UI|Hello from A's web UI/);
    // The client script's form: JSON in, the remote activity JSON out.
    const json = await a.request("POST", "/main/proxy", {
      json: { verb: "post", object: { objectType: "note", content: "JSON through the proxy" }, to: [PUBLIC] },
      headers: { Accept: "application/json", "X-CSRF-Token": a.csrf! },
    });
    assert.equal(json.status, 200, json.text.slice(0, 300));
    const act = JSON.parse(json.text);
    assert.equal(act.actor.id, bob.id);
    // Without the session's CSRF token: refused.
    const forged = await a.request("POST", "/main/proxy", { form: { content: "forged" } });
    assert.equal(forged.status, 403);
    // Logging out ends the remote session.
    const out = await a.submit("/main/logout", {});
    assert.equal(out.status, 303);
    const after = await a.get("/main/remote/home");
    assert.equal((await a.get("/")).status, 200, "logged out: the welcome page again");
    assert.equal(after.status, 302);
  });

  await t.test("bad addresses, unknown hosts and denied logins get 4xx pages", async () => {
    const a = new Browser(A.url);
    await a.page("/main/remote");
    const malformed = await a.submit("/main/remote", { webfinger: "not an address" });
    assert.equal(malformed.status, 400);
    assert.match(malformed.text, /id="remote-error"/);
    const unknown = await a.submit("/main/remote", { webfinger: "nobody@127.0.0.9:1" });
    assert.equal(unknown.status, 400);
    assert.match(unknown.headers.get("content-type") ?? "", /text\/html/);
    assert.match(unknown.text, /Could not log in through 127\.0\.0\.9:1/);
    const bogus = await a.get(`/main/authorized/${encodeURIComponent(B.host)}?oauth_token=nope&oauth_verifier=nope`);
    assert.equal(bogus.status, 400);
    assert.match(bogus.headers.get("content-type") ?? "", /text\/html/);
    const denied = await a.get(`/main/authorized/${encodeURIComponent(B.host)}?oauth_problem=user_refused`);
    assert.equal(denied.status, 403);
    const anonymousProxy = await a.submit("/main/proxy", { content: "who am I" });
    assert.equal(anonymousProxy.status, 401);
  });

  await t.test("alice@A follows bob@B from the people page; bob's next public post reaches her inbox", async () => {
    const a = new Browser(A.url);
    await a.page("/main/login");
    const login = await a.submit("/main/login", { nickname: "alice", password: PASSWORD });
    assert.equal(login.status, 303);
    const people = await a.page("/main/people");
    assert.match(people, /id="follow-remote"/);
    const bad = await a.submit("/main/follow-remote", { webfinger: "nobody" });
    assert.equal(bad.status, 400);
    const followed = await a.submit("/main/follow-remote", { webfinger: `bob@${B.host}` });
    assert.equal(followed.status, 303, `follow: ${followed.status} ${followed.text.slice(0, 300)}`);
    assert.match(await a.page(pathOf(new URL(followed.location!, A.url).href)), /id="follow-remote-done"/);
    await eventually("alice among bob's followers at B", async () => ((await ids(bob, "followers")).some((id) => id.includes("alice")) ? true : undefined));
    const note = await post(bob, { verb: "post", object: { objectType: "note", content: "Bob's news for his followers" }, to: [PUBLIC] });
    await eventually("bob's post in alice's inbox at A", async () => {
      const page = await a.page("/");
      return page.includes("Bob&#39;s news for his followers") || page.includes("Bob's news for his followers") ? true : undefined;
    });
    assert.ok(note.id);
  });
});
