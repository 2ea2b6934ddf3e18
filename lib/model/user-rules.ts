import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BadRequestError } from "../errors";
import { packageRoot } from "../version";

const NICKNAME = /^[a-zA-Z0-9._-]{1,64}$/;
const EMAIL = /^[^\s@,;<>()"]+@[^\s@,;<>()"]+\.[^\s@,;<>()".]+$/;

/** True when `nickname` has only allowed characters and is not reserved (case-insensitively). */
export function isValidNickname(nickname: unknown, reserved: readonly string[]): nickname is string {
  if (typeof nickname !== "string" || !NICKNAME.test(nickname)) return false;
  // "." and ".." are path segments, not names: /./ and /../ never reach a profile.
  if (/^\.+$/.test(nickname)) return false;
  const lower = nickname.toLowerCase();
  return !reserved.some((r) => r.toLowerCase() === lower);
}

/** 400 "Bad nickname: 'x'" unless the nickname is acceptable (api.md §4). */
export function checkNickname(nickname: unknown, reserved: readonly string[]): string {
  if (!isValidNickname(nickname, reserved)) throw new BadRequestError(`Bad nickname: '${String(nickname)}'`);
  return nickname;
}

let common: Set<string> | null = null;

/** The common-password list, read once on first use (not at import). */
function commonPasswords(): Set<string> {
  if (!common) {
    const text = readFileSync(join(packageRoot(), "lib", "model", "common-passwords.txt"), "utf8");
    common = new Set(
      text
        .split("\n")
        .map((l) => l.trim().toLowerCase())
        .filter((l) => l !== "" && !l.startsWith("#")),
    );
  }
  return common;
}

/** True for a password of ≥ 8 characters, not all letters, not all digits, and not a common one. */
export function isGoodPassword(password: unknown): password is string {
  if (typeof password !== "string" || password.length < 8) return false;
  if (/^[a-z]+$/i.test(password) || /^[0-9]+$/.test(password)) return false;
  return !commonPasswords().has(password.toLowerCase());
}

/** 400 "Bad password" unless the password passes the rules (api.md §4). */
export function checkPassword(password: unknown): string {
  if (!isGoodPassword(password)) throw new BadRequestError("Bad password");
  return password;
}

export function isValidEmail(email: unknown): email is string {
  return typeof email === "string" && email.length <= 254 && EMAIL.test(email);
}
