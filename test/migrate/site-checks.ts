import assert from "node:assert/strict";
import {
  getAccessToken, signedRequest, userCreds, type ClientCreds, type TokenPair,
} from "../support/oauth-client";
import type { TestServer } from "../support/server";
import { Browser } from "../web/support";
import { assertSameStreams, originalItems } from "./expect";
import { BOBS_CLIENT, PASSWORDS, READER_APP, type Records } from "./support";

async function loggedInAs(b: Browser): Promise<string | null> {
  return /data-nickname="([^"]+)"/.exec(await b.page("/"))?.[1] ?? null;
}

/**
 * The migrated site, over HTTP on our server: everyone logs in with their
 * old password (web form and OAuth), the old tokens still work and read
 * the same inboxes, and every stream is the same as in the original.
 */
export async function assertMigratedSite(server: TestServer, records: Records): Promise<void> {
  const base = server.url;
  for (const [nick, password] of Object.entries(PASSWORDS)) {
    const web = new Browser(base);
    await web.page("/main/login");
    const login = await web.submit("/main/login", { nickname: nick, password });
    assert.equal(login.status, 303, `web login of ${nick}: ${login.status} ${login.text.slice(0, 200)}`);
    assert.equal(await loggedInAs(web), nick);
    const wrong = await new Browser(base).submit("/main/login", { nickname: nick, password: `${password}-not` }, "/main/login");
    assert.notEqual(wrong.status, 303, `a wrong password for ${nick} is refused`);

    const token = await getAccessToken(base, READER_APP, nick, password);
    const me = await signedRequest(base, userCreds(READER_APP, token), "GET", "/api/user/" + nick + "/profile");
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, `acct:${nick}@orig.example`);
  }

  // Every old access token still works, for its own client, and reads its user's inbox as the original had it.
  for (const rec of Object.values(records.accesstoken) as Array<{ access_token: string; token_secret: string; consumer_key: string; username: string }>) {
    const client: ClientCreds = rec.consumer_key === BOBS_CLIENT.client_id ? BOBS_CLIENT : READER_APP;
    const pair: TokenPair = { token: rec.access_token, secret: rec.token_secret };
    const inbox = await signedRequest(base, userCreds(client, pair), "GET", `/api/user/${rec.username}/inbox?count=200`);
    assert.equal(inbox.status, 200, `${rec.username}'s old token: ${inbox.text.slice(0, 200)}`);
    const expected = originalItems(records, `user:${rec.username}:inbox`).reverse();
    assert.equal(inbox.body.totalItems, expected.length);
    assert.deepEqual(inbox.body.items.map((i: { id: string }) => i.id), expected, `${rec.username}'s inbox, newest first`);
  }

  const bob = userCreds(BOBS_CLIENT, { token: "EK4ltZDGvaUijX1IagbrfA", secret: "HYxfhj91gObP_X5THkVsr_zxu2Rj0r66snPYnK_njNc" });
  const inbox = await signedRequest(base, bob, "GET", "/api/user/bob/inbox");
  assert.equal(inbox.body.totalItems, 56);
  assert.equal(inbox.body.items[0].id, "http://orig.example/api/activity/ynRX9wFBTVOC64p5xPzkUw");

  const alice = await signedRequest(base, bob, "GET", "/api/user/alice/profile");
  assert.equal(alice.body.displayName, "Alice Liddell");
  assert.equal(alice.body.summary, "Curiouser and curiouser.");
  const followers = await signedRequest(base, bob, "GET", "/api/user/alice/followers");
  assert.deepEqual(followers.body.items.map((p: { id: string }) => p.id), ["acct:dave@orig.example", "acct:carol@orig.example", "acct:bob@orig.example"]);
  const note = await signedRequest(base, bob, "GET", "/api/note/1UZkgUYyQQyEKvhAiDpfFg");
  assert.equal(note.status, 200);
  assert.equal(note.body.likes.totalItems, 2);
  assert.equal(note.body.replies.totalItems, 2);
  assert.equal((await signedRequest(base, bob, "GET", "/api/note/N2UlGoeMQEiUIFQ7CsMbCw")).status, 410, "a deleted note stays deleted");
  const edited = await signedRequest(base, bob, "GET", "/api/note/SmbhF2cYT5eoqnKataN1tA");
  assert.equal(edited.body.content, "Alice public note 3 (edited)");
  assert.equal(edited.body.author.id, "acct:alice@orig.example");
  const list = await signedRequest(base, userCreds(READER_APP, { token: "G_-xaw961uGTntlPNvqy3A", secret: "KENMg5wguxfErlIHMi4ZyDaK5VT_A6NPH-G3yE8T6cg" }), "GET", "/api/collection/Pk9IFEJ4Qz6LDUDyLPtltg/members");
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.body.items.map((p: { id: string }) => p.id), ["acct:carol@orig.example", "acct:bob@orig.example"]);

  const streams = await assertSameStreams(server.worker.bank, records);
  assert.equal(streams, Object.keys(records.stream).length - 1);
}
