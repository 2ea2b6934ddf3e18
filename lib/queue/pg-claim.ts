import type { Bank } from "../databank";
import { VALUES } from "../databank/postgresql-store";
import type { Claim, Claimer } from "./claims";
import type { Job } from "./job";
import { JOB_TYPE } from "./schema";

/** What the PostgreSQL driver offers besides databank's interface. */
export interface PgQuery {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** The PostgreSQL driver's raw instance, when `bank` is on PostgreSQL. */
export function pgQueryOf(bank: Bank): PgQuery | null {
  const raw = bank.raw as unknown as Partial<PgQuery>;
  return bank.driver === "postgresql" && typeof raw.query === "function" ? (raw as PgQuery) : null;
}

const J = "value::jsonb";

/**
 * On PostgreSQL, jobs are claimed the way the database is made for: one
 * statement picks due jobs `FOR UPDATE SKIP LOCKED` (two workers never
 * wait on or take the same row) and writes the claim, a lease with an
 * expiry, into the job's own row. A claim whose holder died expires and
 * the job is picked again; SKIP LOCKED re-checks a row another worker
 * just claimed, so it is passed over.
 */
export class PgClaimer implements Claimer {
  constructor(
    private readonly bank: Bank,
    private readonly pg: PgQuery,
    private readonly holder: string,
    private readonly leaseMs: number,
    private readonly now: () => number,
  ) {}

  async claimOne(id: string, now: number): Promise<Claim | null> {
    const [claim] = await this.claim(1, [], now, id, null);
    return claim ?? null;
  }

  claimDue(limit: number, skip: Set<string>, now: number, kinds: string[]): Promise<Claim[]> {
    return this.claim(limit, [...skip], now, null, kinds);
  }

  private async claim(limit: number, skip: string[], now: number, only: string | null, kinds: string[] | null): Promise<Claim[]> {
    if (limit <= 0) return [];
    const lease = JSON.stringify({ holder: this.holder, expires: now + this.leaseMs });
    const rows = await this.pg.query<{ id: string; value: string }>(
      `UPDATE ${VALUES} SET value = jsonb_set(${J}, '{lease}', $3::jsonb)::text
       WHERE type = $1 AND id IN (
         SELECT id FROM ${VALUES}
         WHERE type = $1 AND ${J} ->> 'state' = 'ready'
           AND (${J} ->> 'due')::bigint <= $2::bigint
           AND COALESCE((${J} -> 'lease' ->> 'expires')::bigint, 0) <= $2::bigint
           AND NOT (id = ANY($5::text[]))
           AND ($6::text IS NULL OR id = $6::text)
           AND ($7::text[] IS NULL OR ${J} ->> 'kind' = ANY($7::text[]))
         ORDER BY (${J} ->> 'due')::bigint
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING id, value`,
      [JOB_TYPE, now, lease, limit, skip, only, kinds],
    );
    return rows.map((r) => this.held(JSON.parse(r.value) as Job));
  }

  private held(job: Job): Claim {
    return {
      job,
      renew: async () => {
        await this.pg.query(
          `UPDATE ${VALUES} SET value = jsonb_set(${J}, '{lease,expires}', to_jsonb($3::bigint))::text
           WHERE type = $1 AND id = $2 AND ${J} -> 'lease' ->> 'holder' = $4`,
          [JOB_TYPE, job.id, this.now() + this.leaseMs, this.holder],
        );
      },
      finish: async () => {
        await this.bank.del(JOB_TYPE, job.id).catch(() => undefined);
      },
      reschedule: async (next) => {
        await this.bank.save(JOB_TYPE, job.id, { ...next, lease: null });
      },
    };
  }
}
