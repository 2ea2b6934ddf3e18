import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBank, type Bank } from "../../lib/databank";
import { SCHEMA } from "../../lib/model/schema";
import { createMailer } from "../../lib/email/mailer";
import { EMAIL_JOB, MailOutbox } from "../../lib/email/outbox";
import { JOB_TYPE } from "../../lib/queue/schema";
import { connect, sharedFile } from "../queue/support";
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
  await bank.scan(JOB_TYPE, (j: { attempts: number; kind: string }) => void (j.kind === EMAIL_JOB && out.push(j)));
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

  it("two workers starting at once send a waiting message once", async (t) => {
    const shared = sharedFile();
    t.after(shared.remove);
    const banks = [await connect(shared.file), await connect(shared.file), await connect(shared.file)];
    t.after(async () => {
      for (const b of banks) await b.disconnect();
    });
    const log = new LogSink();
    // A worker that recorded messages and stopped before sending them.
    const stopped = new MailOutbox(banks[0], mailerTo(sink.port), log.logger);
    await stopped.close();
    const subjects = Array.from({ length: 8 }, (_, i) => `Once only ${i}`);
    for (const subject of subjects) await stopped.send({ to: "mo@example.test", subject, text: "once", html: "<p>once</p>" });
    assert.equal((await jobs(banks[0])).length, subjects.length);
    const before = sink.received.length;

    // Two workers start together, each recovering (twice, as a poll would).
    const [a, b] = [new MailOutbox(banks[1], mailerTo(sink.port), log.logger), new MailOutbox(banks[2], mailerTo(sink.port), log.logger)];
    await Promise.all([a.recover(), b.recover(), a.recover(), b.recover()]);
    await Promise.all([a.idle(), b.idle()]);
    const got = sink.received.slice(before).map((m) => m.subject).sort();
    assert.deepEqual(got, [...subjects].sort(), "each message sent exactly once");
    assert.deepEqual(await jobs(banks[0]), [], "and forgotten");
    await Promise.all([a.close(), b.close()]);
  });
});
