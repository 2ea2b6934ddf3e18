// Our stream suite against every driver: memory, sqlite, and mongodb when
// PUMPIO_TEST_MONGODB_URL names a server (skipped visibly otherwise).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openBank } from "../../lib/databank";
import { streamConformance } from "../support/stream-conformance";

streamConformance("sqlite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-streams-"));
  const bank = await openBank({ driver: "sqlite", params: { file: path.join(dir, "s.sqlite3") }, schema: {} });
  return {
    bank,
    async close() {
      await bank.disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

streamConformance("memory", async () => {
  const bank = await openBank({ driver: "memory", params: {}, schema: {} });
  return { bank, close: () => bank.disconnect() };
});

const MONGO = process.env.PUMPIO_TEST_MONGODB_URL;
streamConformance(
  "mongodb",
  async () => {
    const dbname = `pumpio_test_streams_${process.pid}_${Date.now().toString(36)}`;
    const bank = await openBank({ driver: "mongodb", params: { url: MONGO, dbname }, schema: {} });
    return { bank, close: () => bank.disconnect() };
  },
  { skip: MONGO ? false : "PUMPIO_TEST_MONGODB_URL not set: MongoDB tests skipped" },
);
