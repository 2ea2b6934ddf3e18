import bcrypt from "bcryptjs";
import type { Bank } from "../databank";
import { BCRYPT_COST, findUser, type UserRecord } from "./user";
import { PasswordThrottle } from "./password-throttle";
import { assertEnabled } from "./user-disable";

export { DEFAULT_THROTTLE, PasswordThrottle, TooManyAttemptsError, type ThrottleOptions } from "./password-throttle";

/** One password check: who claims to be whom, with what, from where. */
export interface PasswordAttempt {
  nickname: unknown;
  password: unknown;
  /** The client's address (`req.ip`: the proxy's X-Forwarded-For only with `trustProxy`). */
  address: string;
}

let dummyHash: string | null = null;

/**
 * The only place a password is compared with a stored hash. Every form that
 * takes a password (web login, OAuth authorize, password change, the API's
 * login) comes through `verify`, so none of them can be used to guess
 * without limit: each check is throttled per (account, client address) and
 * per address (see PasswordThrottle), 429 when locked.
 */
export class PasswordCheck {
  readonly throttle: PasswordThrottle;

  constructor(
    private readonly bank: Bank,
    throttle?: PasswordThrottle,
  ) {
    this.throttle = throttle ?? new PasswordThrottle(bank);
  }

  /**
   * The user if `password` is theirs, else null (the caller words its own
   * refusal). Throws TooManyAttemptsError (429, Retry-After) when locked,
   * without comparing anything; AccountDisabledError (403) for the right
   * password of a disabled account (only someone who knows it learns that).
   */
  async verify(attempt: PasswordAttempt): Promise<UserRecord | null> {
    const nickname = typeof attempt.nickname === "string" ? attempt.nickname : "";
    const claim = await this.throttle.claim(nickname, attempt.address);
    const user = await compare(this.bank, nickname, attempt.password);
    if (user) {
      await this.throttle.succeeded(claim);
      assertEnabled(user);
    }
    return user;
  }
}

/**
 * The user if `password` is theirs, else null. An unknown nickname costs a
 * bcrypt comparison too, so timing does not tell which nicknames exist.
 */
async function compare(bank: Bank, nickname: string, password: unknown): Promise<UserRecord | null> {
  const pw = typeof password === "string" ? password : "";
  const user = nickname !== "" ? await findUser(bank, nickname) : null;
  dummyHash ??= await bcrypt.hash("not anyone's password", BCRYPT_COST);
  const ok = await bcrypt.compare(pw, user?._passwordHash ?? dummyHash);
  return ok && user && pw !== "" ? user : null;
}
