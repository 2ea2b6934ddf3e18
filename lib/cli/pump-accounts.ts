import { deleteAccountFully, disableAccount, enableAccount, listAccounts, showAccount, type AccountSummary } from "../admin/accounts";
import { intOpt, stringOpt } from "../admin/options";
import { CONFIG_OPTIONS_HELP, runTool, stdio, UsageError, type Output, type ToolHelp } from "./tool";

export const HELP: ToolHelp = {
  name: "pump-accounts",
  summary: "list, disable, enable and delete local pump.io accounts",
  text: `Usage: pump-accounts COMMAND [NICKNAME] [options]

Administers the local accounts of a pump.io site.

Commands:
  list [--offset N] [--count N]   the accounts, newest first, a page at a
                        time (default: the first 50); --all for every one
  show NICKNAME         one account: registered, email, disabled or not
  disable NICKNAME [--reason TEXT]
                        the account can no longer act: its password is
                        refused at every login (403), its web sessions end,
                        and the API answers its OAuth tokens with 403 and
                        {"error": "The account 'NICKNAME' has been disabled
                        by the site's administrator."}. Its profile and
                        posts stay readable, as before, and its nickname
                        stays taken.
  enable NICKNAME       lift the disabling: the old password and tokens
                        work again
  delete NICKNAME --yes as if the person deleted the account
                        (DELETE /api/user/NICKNAME): the account, its OAuth
                        tokens, sessions and streams go; the nickname can be
                        registered again; posts already sent stay

Options:
      --offset N, --count N, --all    paging of list
      --reason TEXT     why (shown by show and list)
      --json            print list and show as JSON
      --yes             confirm delete

${CONFIG_OPTIONS_HELP}

Exit status: 0 done, 1 refused (e.g. no such account) or bad
configuration, 2 usage error.
`,
};

const SPEC = [
  { name: "offset", value: true },
  { name: "count", value: true },
  { name: "all" },
  { name: "reason", value: true },
  { name: "json" },
  { name: "yes" },
];

const NEEDS_NICK = new Set(["show", "disable", "enable", "delete"]);

/** \`bin/pump-accounts\`: returns the exit status. */
export async function main(argv: string[], env: Record<string, string | undefined>, io: Output = stdio): Promise<number> {
  return runTool(HELP, SPEC, argv, env, io, async (args, site) => {
    const [command, nickname] = args.positional as [string, string];
    const json = args.opts.json === true;
    switch (command) {
      case "list": {
        const offset = intOpt(args, "offset", 0);
        const count = args.opts.all === true ? Number.MAX_SAFE_INTEGER : intOpt(args, "count", 50);
        const page = await listAccounts(site, offset, count);
        if (json) io.out(`${JSON.stringify(page, null, 2)}\n`);
        else {
          for (const a of page.accounts) io.out(`${line(a)}\n`);
          const last = offset + page.accounts.length;
          io.out(`${page.accounts.length ? `${offset + 1}-${last}` : "none"} of ${page.total} accounts${page.hasMore ? ` (next page: --offset ${last})` : ""}\n`);
        }
        return 0;
      }
      case "show": {
        const a = await showAccount(site, nickname);
        io.out(json ? `${JSON.stringify(a, null, 2)}\n` : `${line(a)}\n`);
        return 0;
      }
      case "disable": {
        const ended = await disableAccount(site, nickname, stringOpt(args, "reason"));
        io.out(`Disabled ${nickname}; ${ended} web session${ended === 1 ? "" : "s"} logged out.\n`);
        return 0;
      }
      case "enable":
        await enableAccount(site, nickname);
        io.out(`Enabled ${nickname}.\n`);
        return 0;
      case "delete":
        await deleteAccountFully(site, nickname);
        io.out(`Deleted ${nickname}.\n`);
        return 0;
    }
    return 2;
  }, (args) => {
    const [command, nickname, extra] = args.positional;
    if (!command) throw new UsageError("no command given");
    if (command !== "list" && !NEEDS_NICK.has(command)) throw new UsageError(`unknown command "${command}"`);
    if (NEEDS_NICK.has(command) && !nickname) throw new UsageError(`${command} needs a NICKNAME`);
    if ((command === "list" && nickname !== undefined) || extra !== undefined) throw new UsageError(`unexpected argument "${extra ?? nickname}"`);
    for (const k of ["offset", "count"]) if (Number.isNaN(intOpt(args, k, 0))) throw new UsageError(`--${k} needs a whole number`);
    if (command === "delete" && args.opts.yes !== true) throw new UsageError(`delete removes ${nickname}'s account for good: add --yes to confirm`);
  });
}

function line(a: AccountSummary): string {
  const parts = [a.nickname.padEnd(20), a.published, a.email ?? "-"];
  if (a.disabled) parts.push(`DISABLED since ${a.disabled.at}${a.disabled.reason ? ` (${a.disabled.reason})` : ""}`);
  return parts.join("  ");
}
