import { execFileSync } from "node:child_process";

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** Looks a user up through the system's name service (`getent passwd`), so LDAP/NSS users work too. */
export function lookupUser(name: string): Account {
  let line: string;
  try {
    line = execFileSync("getent", ["passwd", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    throw new Error(`serverUser: no such user "${name}"`);
  }
  const fields = line.split("\n")[0].split(":");
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`serverUser: cannot read the account of "${name}"`);
  return { name: fields[0], uid, gid };
}

/**
 * Drops this process to `serverUser` once its ports are bound: supplementary
 * groups, then the group, then the user (in that order; after setuid the
 * process could no longer change its groups). Returns the account, or null
 * when the process already runs as that user.
 */
export function dropPrivileges(serverUser: string): Account | null {
  const account = lookupUser(serverUser);
  const uid = process.getuid?.();
  if (uid === account.uid) return null;
  if (uid !== 0) {
    throw new Error(`serverUser: cannot switch to "${serverUser}" when not started as root`);
  }
  // Not in @types/node, but present on POSIX Node.
  (process as unknown as { initgroups?: (user: string, group: number) => void }).initgroups?.(account.name, account.gid);
  process.setgid?.(account.gid);
  process.setuid?.(account.uid);
  return account;
}
