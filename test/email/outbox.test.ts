import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBank, type Bank } from "../../lib/databank";
import { SCHEMA } from "../../lib/model/schema";
import { createMailer } from "../../lib/email/mailer";
import { MAIL_JOB_TYPE, MailOutbox } from "../../lib/email/outbox";
import { freePort } from "../support/server";
import { LogSink, MailSink, TestClock } from "./support";

const mailerTo = (port: number) =>
  createMailer({
    smtpserver: "127.0.0.1",
    smtpport: port,
    smtpuser: null,
    smtppass: null,
    smtpusetls: false,
    smtpusessl: false,
    smtptimeout: 5000,
    smtpfrom: "no-reply@social.example",
    hostname: "social.example",
    site: "Outbox test",
  });

const jobs = async (bank: Bank): Promise<Array<{ attempts: number }>> => {
  const out: Array<{ attempts: number }> = [];
  await bank.scan(MAIL_JOB_TYPE, (j: { attempts: number }) => out.push(j));
  return out;
};

describe("the mail outbox", () => {
  let bank: Bank;
  let sink: MailSink;
  before(async () => {
    bank = await openBank({ driver: "memory", params: {}, schema: SCHEMA });
    sink = await MailSink.start();
  });
  after(async () => {
    await sink.close();
    await bank.disconnect();
  });

  it("keeps a message the SMTP server did not take, and a later worker's recover() sends it", async () => {
    const clock = new TestClock();
    const log = new LogSink();
    const dead = new MailOutbox(bank, mailerTo(await freePort()), log.logger, clock.now);
    await dead.send({ to: "lena@example.test", subject: "Kept for later", text: "hello", html: "<p>hello</p>" });
    await dead.idle();
    // Shut down before the retry: the job stays in the bank.
    await dead.close();
    assert.deepEqual((await jobs(bank)).map((j) => j.attempts), [1]);
    assert.ok(log.lines.some((l) => l.msg === "sending mail failed; will retry" && l.to === "lena@example.test"));

    const live = new MailOutbox(bank, mailerTo(sink.port), log.logger, clock.now);
    assert.equal(await live.recover(), 0, "still leased to the first worker's retry");
    clock.advance(60 * 60 * 1000);
    assert.equal(await live.recover(), 1);
    const mail = await sink.next();
    assert.equal(mail.subject, "Kept for later");
    assert.equal(mail.text, "hello");
    assert.equal(mail.html, "<p>hello</p>");
    await live.idle();
    assert.deepEqual(await jobs(bank), [], "a sent message is forgotten");
    await live.close();
  });
});
