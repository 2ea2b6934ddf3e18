import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../lib/config";
import { load } from "../config/support";

const fails = (argv: string[], pattern: RegExp): void => {
  assert.throws(() => load({ argv }), (err: unknown) => err instanceof ConfigError && pattern.test(err.message));
};

describe("email configuration keys", () => {
  it("turns email on with smtpserver and keeps the original's defaults", () => {
    const { config } = load({ argv: ["--smtpserver", "mail.example", "--hostname", "social.example"] });
    assert.equal(config.haveEmail, true);
    assert.equal(config.smtpport, 25);
    assert.equal(config.smtpusetls, true);
    assert.equal(config.smtpusessl, false);
    assert.equal(config.smtptimeout, 30000);
    assert.equal(config.smtpfrom, "no-reply@social.example");
    assert.equal(load().config.haveEmail, false);
  });

  it("stops on requireEmail without smtpserver, with a message that says what to do", () => {
    fails(["--requireEmail", "true"], /^requireEmail is on .* but smtpserver is not set.*Set smtpserver/);
  });

  it("stops on a smtpserver with scheme or port, a user without password, a bad smtpfrom", () => {
    fails(["--smtpserver", "smtp://mail.example"], /^smtpserver: "smtp:\/\/mail\.example" .* bare host name/);
    fails(["--smtpserver", "mail.example:587"], /^smtpserver: .*set the port with smtpport/);
    fails(["--smtpserver", "mail.example", "--smtpuser", "pump"], /^smtpuser is set .* smtppass is not/);
    fails(["--smtpserver", "mail.example", "--smtpfrom", "nobody"], /^smtpfrom: "nobody" .* not an email address/);
    assert.equal(load({ argv: ["--smtpserver", "mail.example", "--smtpfrom", "Social <no-reply@social.example>"] }).config.smtpfrom, "Social <no-reply@social.example>");
  });

  it("warns about implicit TLS on port 25", () => {
    const { warnings } = load({ argv: ["--smtpserver", "mail.example", "--smtpusessl", "true"] });
    assert.ok(warnings.some((w) => /smtpusessl is on with smtpport 25/.test(w)), warnings.join("\n"));
  });
});
