import express, { Router, type Request } from "express";
import type { RouterContext } from "../lib/app";
import { BadRequestError, NotFoundError, UnauthorizedError } from "../lib/errors";
import { isValidEmail } from "../lib/model/user-rules";
import { createAuth, authOf, type AuthMiddlewares } from "../lib/oauth/auth";
import { deleteAccount, registerAccount, type AfterRegister } from "../lib/oauth/accounts";
import { listUsers, localProfile, parseUserListArgs, readUser, sanitizeUser, updateUser, type UserRecord } from "../lib/model/user";

export interface UsersRouterDeps {
  /** Shared auth middlewares (e.g. with the web session plugged in); default: OAuth only. */
  auth?: AuthMiddlewares;
  /**
   * HOOK for the activity code: runs after an account is created, before the
   * answer (join activity, welcome note, the four person lists: api.md §4).
   */
  afterRegister?: AfterRegister;
  /** Runs after an account is deleted (the engine forgets the user's streams). */
  afterDelete?: (nickname: string) => Promise<void>;
  /** The person shown in a user's JSON; default the pure `localProfile` (the profile code adds counts). */
  expandProfile?: (user: UserRecord, viewer: string | null) => Promise<object>;
}

/** `/api/users`, `/api/user/:nickname`, `/api/whoami` (api.md §3–§5). */
export function createUsersRouter(ctx: RouterContext, deps: UsersRouterDeps = {}): Router {
  const router = Router();
  const { bank, config, urls } = ctx;
  const auth = deps.auth ?? createAuth(ctx);
  const json = express.json({ limit: "1mb" });
  const expand = deps.expandProfile ?? (async (user: UserRecord) => localProfile(user, urls));
  const userJson = async (user: UserRecord, viewer: string | null): Promise<object> => ({
    ...sanitizeUser(user, viewer),
    profile: await expand(user, viewer),
  });
  /** The self check: the principal must be the `:nickname` user (after it is known to exist). */
  const self = async (req: Request): Promise<UserRecord> => {
    const user = await readUser(bank, req.params.nickname!);
    if (authOf(req).nickname !== user.nickname) throw new UnauthorizedError("Not authorized");
    return user;
  };
  const bodyOf = (req: Request): Record<string, unknown> =>
    req.body && typeof req.body === "object" && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};

  router.post("/api/users", auth.clientWrite, json, async (req, res, next) => {
    try {
      const client = authOf(req).client!;
      // The registration activities name the registering client as their generator.
      const after: AfterRegister | undefined = deps.afterRegister && ((u) => deps.afterRegister!(u, client));
      const { user, token, secret } = await registerAccount(bank, config, urls, client.consumer_key, bodyOf(req), after);
      // The confirmation mail is queued, never awaited on SMTP (lib/email).
      await ctx.email.confirmation.afterRegister(user);
      res.json({ ...(await userJson(user, user.nickname)), token, secret });
    } catch (err) {
      next(err);
    }
  });

  router.get("/api/users", auth.anyRead, async (req, res, next) => {
    try {
      const args = parseUserListArgs(req.query as Record<string, unknown>);
      const page = await listUsers(bank, args);
      const viewer = authOf(req).nickname;
      const base = urls.makeURL("/api/users");
      const items = await Promise.all(page.users.map((u) => userJson(u, viewer)));
      const links: Record<string, { href: string }> = {
        first: { href: base },
        self: { href: urls.makeURL("/api/users", { count: args.count, offset: args.offset, before: args.before, since: args.since }) },
      };
      if (items.length > 0) {
        links.prev = { href: urls.makeURL("/api/users", { since: page.users[0]!.nickname }) };
        if (page.hasMore) links.next = { href: urls.makeURL("/api/users", { before: page.users[page.users.length - 1]!.nickname }) };
      }
      res.json({ displayName: "Users of this service", id: base, objectTypes: ["user"], totalItems: page.totalItems, items, links });
    } catch (err) {
      next(err);
    }
  });

  router.get("/api/user/:nickname", auth.anyRead, async (req, res, next) => {
    try {
      const user = await readUser(bank, req.params.nickname);
      res.json(await userJson(user, authOf(req).nickname));
    } catch (err) {
      next(err);
    }
  });

  router.put("/api/user/:nickname", auth.userWrite, json, async (req, res, next) => {
    try {
      const user = await self(req);
      const current = (await expand(user, user.nickname)) as { id: string; objectType: string; displayName?: string };
      const body = bodyOf(req);
      // With mail on, a new address is confirmed by mail before it replaces the old one.
      const newEmail = ctx.email.enabled && body.email !== undefined && body.email !== user.email ? body.email : undefined;
      if (newEmail !== undefined && !isValidEmail(newEmail)) throw new BadRequestError("Invalid email address provided");
      let updated = await updateUser(bank, user.nickname, newEmail === undefined ? body : { ...body, email: undefined }, current);
      if (newEmail !== undefined) {
        await ctx.email.confirmation.requestChange(user.nickname, newEmail);
        updated = await readUser(bank, user.nickname);
      }
      // Every PUT sets the password: whoever logged in on the web with the old one is logged out.
      await ctx.web.store.removeSessionsOf(updated.nickname);
      res.json(await userJson(updated, updated.nickname));
    } catch (err) {
      next(err);
    }
  });

  router.delete("/api/user/:nickname", auth.userWrite, async (req, res, next) => {
    try {
      const user = await self(req);
      await deleteAccount(bank, user.nickname);
      await deps.afterDelete?.(user.nickname);
      res.json("Deleted.");
    } catch (err) {
      next(err);
    }
  });

  // Not in the original: a new confirmation mail for the address waiting (the old link stops working).
  router.post("/api/user/:nickname/confirmation/resend", auth.userWriteUnconfirmed, async (req, res, next) => {
    try {
      const user = await self(req);
      if (!ctx.email.enabled) throw new NotFoundError("This site sends no email.");
      res.json({ sent: true, ...(await ctx.email.confirmation.resend(user.nickname)) });
    } catch (err) {
      next(err);
    }
  });

  router.get("/api/whoami", auth.userRead, (req, res) => {
    const nickname = authOf(req).nickname!;
    res.redirect(302, urls.makeURL(`/api/user/${encodeURIComponent(nickname)}/profile`));
  });

  return router;
}
