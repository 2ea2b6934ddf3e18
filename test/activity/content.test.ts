import { test } from "node:test";
import assert from "node:assert/strict";
import { autoContent, pastTense } from "../../lib/activity/content";

test("the examples of §11", () => {
  assert.equal(
    autoContent({ verb: "post", actor: { objectType: "person", displayName: "Jessie Belnap" }, object: { objectType: "note" } }),
    "Jessie Belnap posted a note",
  );
  assert.equal(
    autoContent({ verb: "post", actor: { objectType: "person", displayName: "Mallory Fellman", url: "http://malloryfellman.example/" }, object: { objectType: "note" } }),
    "<a href='http://malloryfellman.example/'>Mallory Fellman</a> posted a note",
  );
  assert.equal(
    autoContent({
      verb: "post",
      actor: { objectType: "person", displayName: "Lorrie Tynan" },
      object: { objectType: "comment", inReplyTo: { objectType: "image" } },
    }),
    "Lorrie Tynan posted a comment in reply to an image",
  );
});

test("names: escaped displayName, a/an type, an object", () => {
  assert.equal(autoContent({ verb: "like", actor: { displayName: "<b>Bo</b>" }, object: { objectType: "article" } }), "&lt;b&gt;Bo&lt;/b&gt; liked an article");
  assert.equal(autoContent({ verb: "follow", actor: { objectType: "person" }, object: {} }), "a person followed an object");
});

test("past tenses", () => {
  const cases: Record<string, string> = {
    post: "posted", like: "liked", favorite: "favorited", share: "shared", follow: "followed", join: "joined",
    "stop-following": "stopped following", checkin: "checked into", "make-friend": "made a friend of",
    "rsvp-yes": "will attend", "rsvp-no": "will not attend", "rsvp-maybe": "may attend", at: "was at",
    build: "built", find: "found", give: "gave", leave: "left", lose: "lost", play: "played", read: "read",
    "remove-friend": "removed as a friend", sell: "sold", send: "sent", submit: "submitted", tag: "tagged",
    win: "won", satisfy: "satisfied", delete: "deleted", update: "updated", add: "added",
  };
  for (const [verb, past] of Object.entries(cases)) assert.equal(pastTense(verb), past, verb);
});
