import { Client } from "pg";

/**
 * PostgreSQL for tests: `PUMPIO_TEST_POSTGRES_URL` names a server (`.ci/run`
 * starts one on its own port and data directory and sets it). Without it the
 * PostgreSQL tests are skipped, visibly, with this reason.
 */
export const POSTGRES_URL = process.env.PUMPIO_TEST_POSTGRES_URL;
export const skipPostgres: string | false = POSTGRES_URL ? false : "PUMPIO_TEST_POSTGRES_URL not set: PostgreSQL tests skipped";

/** A new empty database on the test server; `drop()` removes it. */
export async function freshDatabase(tag = "t"): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `pumpio_test_${tag}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: POSTGRES_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
