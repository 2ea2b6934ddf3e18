/**
 * Typed HTTP errors. lib/ throws these; one Express middleware
 * (lib/http/error-handler.ts) turns them into answers. The `message` is
 * safe to show to a client; `cause` is for logs only.
 */
export class HttpError extends Error {
  readonly status: number;
  /** Extra headers to send with the error (e.g. WWW-Authenticate). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.headers = options.headers ?? {};
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(400, message, options);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = "Not logged in.", options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(401, message, options);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(403, message, options);
  }
}

/** 403: the account's email address is not confirmed yet (config `requireEmail`). */
export class EmailNotConfirmedError extends ForbiddenError {
  constructor(
    readonly nickname: string,
    message = "Confirm your email address first: open the link we mailed you.",
  ) {
    super(message);
  }
}

/**
 * 403: the site's administrator disabled this account (pump-accounts
 * disable). Its password and OAuth tokens are refused until it is enabled
 * again; what it posted stays readable.
 */
export class AccountDisabledError extends ForbiddenError {
  constructor(readonly nickname: string) {
    super(`The account '${nickname}' has been disabled by the site's administrator.`);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(404, message, options);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(409, message, options);
  }
}

export class GoneError extends HttpError {
  constructor(message = "Deleted", options?: { cause?: unknown }) {
    super(410, message, options);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message = "Request body too large", options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(413, message, options);
  }
}

/** True for any error object with a numeric 4xx/5xx `status`, ours or a library's (body-parser's). */
export function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  if (typeof err === "object" && err !== null) {
    const s = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
    if (typeof s === "number" && s >= 400 && s < 600) return s;
  }
  return 500;
}
