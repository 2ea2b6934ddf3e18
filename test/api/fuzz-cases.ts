/**
 * Malformed inputs for test/api/fuzz.test.ts. Every body here must be
 * refused where it is sent: none is a valid activity, object or
 * registration for its endpoint.
 */

/** A request body: a JS value sent as JSON, or raw text with a content type. */
export type FuzzBody = { json: unknown } | { raw: string; type: string } | { form: Record<string, string> };

const huge = "x".repeat(200_000);
const deep = (n: number, leaf: unknown = {}): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < n; i++) v = { objectType: "note", author: v };
  return v;
};
const deepArray = (n: number): string => "[".repeat(n) + "]".repeat(n);

/** Raw bodies that are not the JSON they claim to be, or not JSON objects at all. */
export const RAW_BODIES: FuzzBody[] = [
  { raw: "{", type: "application/json" },
  { raw: '{"verb": "post",', type: "application/json" },
  { raw: "nul", type: "application/json" },
  { raw: '"just a string"', type: "application/json" },
  { raw: "12345", type: "application/json" },
  { raw: "true", type: "application/json" },
  { raw: "null", type: "application/json" },
  { raw: "[1, 2", type: "application/json" },
  { raw: '{"a": 1}}', type: "application/json" },
  { raw: "\u0000\u0001\u0002", type: "application/json" },
  { raw: '{"verb": "post", "object": {"objectType": "note", "content": "\\ud800"', type: "application/json" },
  { raw: deepArray(5000), type: "application/json" },
  { raw: `{"pad": "${"y".repeat(1_100_000)}"}`, type: "application/json" },
  { raw: "verb=post&object=note", type: "text/plain" },
  { raw: "<activity><verb>post</verb></activity>", type: "application/xml" },
];

/** JSON values that fail the activity shape checks (feed POSTs and activity PUT). */
export const BAD_ACTIVITIES: FuzzBody[] = [
  [], [{}], [{ verb: "post", object: { objectType: "note" } }], "string", 42, false,
  { verb: 5 }, { verb: [] }, { verb: {} }, { verb: null, object: 5 },
  { object: "note" }, { object: [] }, { object: 42 }, { object: null },
  { object: { objectType: 5 } }, { object: { objectType: ["note"] } }, { object: { content: {} } },
  { object: { id: [] } }, { object: { id: 17, objectType: "note" } }, { object: { displayName: { a: 1 } } },
  { object: { objectType: "note", author: "me" } }, { object: { objectType: "note", inReplyTo: "x" } },
  { object: { objectType: "note", inReplyTo: { id: 5 } } }, { object: { objectType: "note", attachments: {} } },
  { object: { objectType: "note", attachments: ["x"] } }, { object: { objectType: "note", image: "x" } },
  { object: { objectType: "note", image: { url: 5 } } }, { object: { objectType: "note", image: { url: "u", width: "wide" } } },
  { object: { objectType: "note", upstreamDuplicates: [1] } }, { object: { objectType: "note", likes: [] } },
  { object: { objectType: "note", links: "self" } }, { object: { objectType: "collection", objectTypes: "person" } },
  { object: deep(40) }, { object: { objectType: "note", content: huge, published: 5 } },
  { object: { objectType: "note" }, to: "public" }, { object: { objectType: "note" }, to: [5] },
  { object: { objectType: "note" }, to: {} }, { object: { objectType: "note" }, cc: [null] },
  { object: { objectType: "note" }, bcc: [[]] }, { object: { objectType: "note" }, bto: [{ id: {} }] },
  { object: { objectType: "note" }, actor: "me" }, { object: { objectType: "note" }, actor: { id: 5 } },
  { object: { objectType: "note" }, generator: "app" }, { object: { objectType: "note" }, target: "list" },
  { object: { objectType: "note" }, target: { id: {} } }, { object: { objectType: "note" }, location: 7 },
  { object: { objectType: "note" }, published: 1234 }, { object: { objectType: "note" }, content: ["a"] },
  { object: { objectType: "note" }, id: { $gt: "" } },
  { object: { objectType: "note", [huge.slice(0, 5000)]: 1 }, verb: huge.length },
].map((json): FuzzBody => ({ json }));

/** Well-shaped changes PUT /api/activity refuses: another object. */
export const REFUSED_ACTIVITY_CHANGES: FuzzBody[] = [
  { object: { objectType: "note", id: "tag:other,2024:x" } },
  { object: { objectType: "note" } },
].map((json): FuzzBody => ({ json }));

/** Well-shaped activities the verb's rules refuse (feed POSTs only). */
export const REFUSED_ACTIVITIES: FuzzBody[] = [
  {}, { verb: "post" }, { verb: "follow" }, { verb: "favorite" }, { verb: "share" }, { verb: "update" }, { verb: "delete" },
  { object: { objectType: "note" }, actor: { id: "http://evil.example/mallory", objectType: "person" } },
  { verb: "follow", object: { objectType: "person" } },
  { verb: "update", object: { objectType: "note", id: "http://127.0.0.1/api/note/does-not-exist" } },
  { verb: "delete", object: { objectType: "note", id: "tag:nowhere,2024:none" } },
  { verb: "unfavorite", object: { objectType: "note", id: "tag:nowhere,2024:never-liked" } },
  { verb: "stop-following", object: { objectType: "person", id: "acct:nobody@remote.example" } },
  { verb: "unshare", object: { objectType: "note", id: "tag:nowhere,2024:never-shared" } },
  { verb: "leave", object: { objectType: "group", id: "tag:nowhere,2024:no-group" } },
  { verb: "add", object: { objectType: "note", id: "tag:x,2024:n" }, target: { objectType: "note", id: "tag:x,2024:t" } },
  { verb: "favorite", object: { objectType: "note", content: "no id" } },
].map((json): FuzzBody => ({ json }));

/** JSON values that fail the object shape checks (following, favorites, members, object and profile PUT). */
export const BAD_OBJECTS: FuzzBody[] = [
  [], [{ objectType: "note" }], "note", 7, true,
  { objectType: 5 }, { objectType: ["person"] }, { objectType: {} }, { id: [] }, { id: 9 }, { id: { $ne: null } },
  { content: {} }, { content: ["<b>x</b>"] }, { displayName: 1 }, { summary: false }, { url: [] }, { published: 0 },
  { updated: {} }, { author: "me" }, { author: { id: 5 } }, { inReplyTo: "x" }, { attachments: {} }, { attachments: [1] },
  { tags: "x" }, { image: "x" }, { image: { url: 5 } }, { image: { url: "u", height: "tall" } }, { fullImage: [] },
  { upstreamDuplicates: "x" }, { downstreamDuplicates: [null] }, { likes: [] }, { replies: "x" }, { shares: 1 },
  { links: [] }, { members: "x" }, { pump_io: "x" }, { objectTypes: "person" }, { objectTypes: [1] },
  { location: "here" }, deep(40) as object, { objectType: "note", content: huge, displayName: 5 },
  { [huge.slice(0, 5000)]: 1, id: 5 },
].map((json): FuzzBody => ({ json }));

/** Well-shaped objects an object endpoint refuses (following, favorites, members). */
export const REFUSED_OBJECTS: FuzzBody[] = [
  {}, { objectType: "person" }, { objectType: "note", content: "no id" },
].map((json): FuzzBody => ({ json }));

/** Prototype-pollution attempts, as raw JSON so `__proto__` stays an own key; each also has a type error. */
export const POLLUTION_BODIES: FuzzBody[] = [
  '{"__proto__": {"polluted": "yes"}, "objectType": 5, "verb": 5}',
  '{"constructor": {"prototype": {"polluted": "yes"}}, "objectType": 5, "verb": 5}',
  '{"verb": "post", "object": {"__proto__": {"polluted": "yes"}, "objectType": 5}, "objectType": 5}',
  '{"verb": 5, "object": {"objectType": "note", "constructor": {"prototype": {"polluted": "yes"}}}, "id": 5}',
  '{"verb": "__proto__", "object": {"objectType": "note", "id": 5}, "id": []}',
  '{"verb": "post", "__proto__": {"object": {"objectType": "note"}}, "content": {}, "displayName": 1}',
  '{"to": [{"__proto__": {"id": "http://activityschema.org/collection/public"}}], "object": 1, "likes": 1}',
  '{"object": {"objectType": "note", "author": {"__proto__": {"polluted": "yes"}, "id": 5}}, "author": {"__proto__": {}, "id": 5}}',
].map((raw): FuzzBody => ({ raw, type: "application/json" }));

/** Form bodies (signed by the OAuth client like any form body): only strings, so bad where objects are needed. */
export const FORM_BODIES: FuzzBody[] = [
  { form: { verb: "post", object: "note", likes: "x" } },
  { form: { "object[objectType]": "note", "object[content]": "x", links: "x", to: "x" } },
  { form: { nickname: "", password: "", to: "all", replies: "r" } },
];

/**
 * Parameter names that are Object.prototype members. Known bug (owner:
 * lib/oauth/request-params.ts): `signed[name] ??= []` finds the inherited
 * function, and `.push` throws → 500.
 */
export const PROTOTYPE_NAMED_PARAMS: Array<{ query: string; body: FuzzBody }> = [
  { query: "constructor=x", body: { json: { objectType: 5 } } },
  { query: "toString=x&count=1", body: { json: { objectType: 5 } } },
  { query: "count=1", body: { form: { constructor: "y", object: "z", image: "i" } } },
  { query: "count=1", body: { form: { valueOf: "y", likes: "z" } } },
];

/** Bodies for POST /api/users: none is a valid registration. */
export const USER_BODIES: FuzzBody[] = [
  {}, [], { nickname: 5, password: "white*rabbit" }, { nickname: ["fuzz1"], password: "white*rabbit" },
  { nickname: "fuzz2", password: 123456789 }, { nickname: "fuzz3", password: ["white*rabbit"] },
  { nickname: "fuzz4", password: { length: 20 } }, { nickname: "fuzz5" }, { password: "white*rabbit" },
  { nickname: "f".repeat(65), password: "white*rabbit" }, { nickname: huge, password: "white*rabbit" },
  { nickname: "has space", password: "white*rabbit" }, { nickname: "../etc", password: "white*rabbit" },
  { nickname: "api", password: "white*rabbit" }, { nickname: "fuzz6", password: "short" },
  { nickname: "fuzz7", password: "abcdefghij" }, { nickname: "fuzz8", password: "1234567890" },
  { nickname: "fuzz9", password: "password" }, { nickname: "__proto__", password: "nope" },
  { nickname: "constructor", password: "12" }, { nickname: null, password: null },
  { nickname: "alice", password: "white*rabbit" },
].map((json): FuzzBody => ({ json }));

/** Bodies for POST /api/client/register (unsigned): each is refused. */
export const CLIENT_BODIES: FuzzBody[] = [
  {}, { type: 5 }, { type: "" }, { type: ["client_associate"] }, { type: "client_associate", application_type: "evil" },
  { type: "client_associate", contacts: 5 }, { type: "client_associate", contacts: "not an email" },
  { type: "client_associate", logo_url: "javascript:alert(1)" }, { type: "client_associate", redirect_uris: ["http://a.example/"] },
  { type: "client_associate", redirect_uris: "ftp://a.example/" }, { type: "client_associate", application_name: { a: 1 } },
  { type: "client_associate", client_id: "x" }, { type: "client_update" }, { type: "client_update", client_id: "nope", client_secret: "x" },
  { type: "client_associate", access_token: "x" }, { type: "bogus" },
].map((json): FuzzBody => ({ json }));

/** Bad query strings for list endpoints. */
export const BAD_QUERIES: string[] = [
  "count=-1", "count=201", "count=abc", "count=1e3", "count=0x10", "count=%00", "count[a]=1", "count[]=2x",
  "offset=-5", "offset=1.5", "offset[a]=-1", "before=", "since=", "before=x&since=y", "before=x&offset=1", "since=x&offset=1",
  "before=no-such-id", "since=no-such-id", `before=${"z".repeat(5000)}`, "before[a]=b", "__proto__[count]=5&before=",
  "constructor[prototype][x]=1&count=-2",
];

/** Bad path segments: unknown types and odd uuids, for GET. */
export const BAD_PATHS: string[] = [
  "/api/nosuchtype/abc", "/api/NOTE/abc", "/api/note/%00", "/api/note/..%2F..%2Fetc", `/api/note/${"u".repeat(5000)}`,
  "/api/__proto__/x", "/api/constructor/x", "/api/note/__proto__", "/api/activity/__proto__", "/api/activity/%E0%A4%A",
  "/api/collection/__proto__/members", "/api/group/constructor/members", "/api/user/__proto__/feed", "/api/user/%00/inbox",
  "/api/note?id[]=a", "/api/note?id[__proto__]=a", "/api/note/likes", "/api/note/likes?id=", "/api/note/replies?id=nope",
  "/api/group/documents?id=%00",
];
// Not here: repeated query keys (`count=1&count=2`). The `oauth` client package signs them as
// `count[0]=1&count[1]=2`, so the server rightly refuses its signature (400 text/plain).
