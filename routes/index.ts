import type { Router } from "express";
import type { RouterContext } from "../lib/app";
import { ANONYMOUS, type Viewer } from "../lib/activity";
import { clientAsObject, createAuth } from "../lib/oauth";
import { localProfile } from "../lib/model/user";
import { createOAuthRouter } from "./oauth";
import { createOAuth2Router } from "./oauth2";
import { createClientRegisterRouter } from "./client-register";
import { createDialbackRouter } from "./dialback";
import { createProxyRouter } from "./proxy";
import { createUsersRouter } from "./users";
import { createWebfingerRouter } from "./webfinger";
import { createActivityPubRouter } from "./activitypub";
import { createApiUserRouter } from "./api-user";
import { createApiActivityRouter } from "./api-activity";
import { createApiObjectsRouter } from "./api-objects";
import { createWebRouter } from "./web";
import { createSiteFilesRouter } from "./site-files";
import { createUploadsRouter } from "./uploads";
import { remoteViewer } from "../lib/web/remote-session";

/**
 * Every router of the app, in mount order (Express takes the first match,
 * so order matters: see shared/reference/api.md §3). Each entry is a
 * factory of the router context. `fastRouters` are the ones the app's
 * fast lane mounts (lib/http/fast-lane.ts).
 */
export function createRouters(ctx: RouterContext): { routers: Router[]; fastRouters: Router[] } {
  const { engine } = ctx;
  // Web sessions (in the bank, shared by all workers); API reads also accept them, writes never.
  const { web } = ctx;
  const auth = createAuth(ctx, { sessionNickname: web.nicknameOf });
  const viewerOf = (nickname: string | null): Viewer =>
    nickname ? { nickname, personId: engine.personId(nickname) } : ANONYMOUS;
  const webfinger = createWebfingerRouter(ctx);
  const apiUser = createApiUserRouter(ctx, auth);
  // /api/users, /api/user/:nickname, /api/whoami: before any /api/:type/:uuid route.
  const users = createUsersRouter(ctx, {
    auth,
    // Registration posts the join, the welcome note and the four lists (api.md §4).
    afterRegister: async (user, client) => {
      await engine.afterRegister(user, client ? clientAsObject(client) : null);
    },
    afterDelete: (nickname) => engine.forgetUser(nickname),
    // User JSON shows the stored person with its feed counts (api.md §5).
    expandProfile: async (user, viewer) =>
      (await engine.profileOf(user.nickname)) ? engine.getProfile(user.nickname, viewerOf(viewer)) : localProfile(user, ctx.urls),
  });

  const routers = [
    // /favicon.ico and /shared/*.js: no session, and before /:nickname takes them.
    createSiteFilesRouter(ctx),
    web.sessionRouter,
    webfinger,
    // ActivityPub: the actor at /:nickname for AS2 requests, /api/ap/* and NodeInfo.
    createActivityPubRouter(ctx, auth),
    createOAuthRouter(ctx, { session: { current: async (req) => { const n = web.nicknameOf(req); if (n) return { nickname: n }; const r = remoteViewer(req); return r ? { remote: r.id } : null; }, login: (req, _res, n) => web.loginAs(req, n) } }),
    // /oauth2/token, and the consent and login pages with the web UI (oauth.md §9).
    createOAuth2Router(ctx),
    // Registration verifies Dialback headers (federation.md §3-4); /api/dialback answers peers' checks.
    createClientRegisterRouter(ctx, { dialback: ctx.federation.verifyDialback }),
    createDialbackRouter(ctx),
    users,
    // Uploads (only with enableUploads): /api/user/:nickname/uploads, /uploads/…, and the web
    // upload forms, whose multipart bodies the web router's CSRF check cannot read.
    createUploadsRouter(ctx, { auth, web }),
    // /api/proxy/:id before /api/:type/:uuid takes it.
    createProxyRouter(ctx, auth),
    // /api/user/:nickname/… streams and profile.
    apiUser,
    // /api/activity/…, /api/collection/:uuid/members, /api/group/…: they shadow /api/:type/:uuid.
    createApiActivityRouter(ctx, auth),
    // /api/:type/{likes,replies,shares}?id=, /api/:type/:uuid[/…], and last /api/:type?id=.
    createApiObjectsRouter(ctx, auth),
    // The web UI last: its /:nickname/… routes catch everything left.
    createWebRouter(ctx, { web, auth }),
  ];
  // The fast lane's routers (lib/http/fast-lane.ts): the very instances above, for the
  // requests no router before them takes (users, profiles and WebFinger; GET, no cookie).
  return { routers, fastRouters: [webfinger, users, apiUser] };
}
