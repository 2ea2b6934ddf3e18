import type { Express, NextFunction, Request, Response } from "express";

/** Told about a plugin handler's failure (thrown, rejected or passed to next). */
export type ReportFailure = (err: unknown, req: Request) => void;

type Handler = (...args: unknown[]) => unknown;

/** Express methods that take handlers; their function arguments are guarded. */
const HANDLER_METHODS = new Set(["use", "all", "get", "post", "put", "delete", "patch", "options", "head", "param"]);

/**
 * The app a plugin's `initializeApp` sees: the real Express app, except that
 * every handler it adds is wrapped so that a throw, a rejected promise or
 * `next(err)` is reported and the request continues with the next handler,
 * exactly as if the plugin's handler were not there. A bad plugin then costs
 * a log line, never a 500 or a dead worker. `app.route(path)` is guarded too.
 */
export function guardedApp(app: Express, report: ReportFailure): Express {
  return guardObject(app, report) as Express;
}

function guardObject(target: object, report: ReportFailure): object {
  const proxy: object = new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== "function") return value;
      const fn = value as Handler;
      if (prop === "route") {
        return (...args: unknown[]) => guardObject(fn.apply(obj, args) as object, report);
      }
      if (typeof prop === "string" && HANDLER_METHODS.has(prop)) {
        return (...args: unknown[]) => {
          // app.param(name, (req, res, next, value) => ...) has four arguments but is no error handler.
          const result = fn.apply(obj, args.map((a) => guardArg(a, report, prop === "param")));
          // Chaining (app.use(a).use(b)) stays on the guarded object.
          return result === obj ? proxy : result;
        };
      }
      return fn.bind(obj);
    },
  });
  return proxy;
}

function guardArg(arg: unknown, report: ReportFailure, isParam = false): unknown {
  if (Array.isArray(arg)) return arg.map((a) => guardArg(a, report, isParam));
  if (typeof arg !== "function") return arg;
  return guardHandler(arg as Handler, report, isParam);
}

function guardHandler(fn: Handler, report: ReportFailure, isParam: boolean): Handler {
  // Express tells error handlers (4 arguments) from the others by arity.
  if (fn.length === 4 && !isParam) {
    return function guardedErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction) {
      run(() => fn(err, req, res, (e?: unknown) => next(e ?? err)), req, res, () => next(err), report);
    } as Handler;
  }
  return function guardedHandler(req: Request, res: Response, next: NextFunction, ...rest: unknown[]) {
    const state = { called: false };
    const goOn = () => {
      // A handler that called next() and then threw has already passed the request on.
      if (!state.called) {
        state.called = true;
        next();
      }
    };
    run(() => fn(req, res, isolatedNext(next, req, report, state), ...rest), req, res, goOn, report);
  } as Handler;
}

/** `next` as the plugin sees it: an error is reported and the request goes on without it. */
function isolatedNext(next: NextFunction, req: Request, report: ReportFailure, state: { called: boolean }): NextFunction {
  const wrapped = ((err?: unknown) => {
    if (state.called) return;
    state.called = true;
    if (err && err !== "route" && err !== "router") {
      report(err, req);
      next();
      return;
    }
    next(err as undefined);
  }) as NextFunction;
  return wrapped;
}

function run(call: () => unknown, req: Request, res: Response, goOn: () => void, report: ReportFailure): void {
  let settled = false;
  const fail = (err: unknown) => {
    if (settled) return;
    settled = true;
    report(err, req);
    // Nothing sent yet: the request goes on as if the handler were not there.
    // Half sent: end what was started so the client is not left hanging.
    if (!res.headersSent) goOn();
    else if (!res.writableEnded) res.end();
  };
  try {
    const result = call();
    if (result && typeof (result as Promise<unknown>).then === "function") {
      (result as Promise<unknown>).then(() => (settled = true), fail);
    }
  } catch (err) {
    fail(err);
  }
}
