import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { sleep } from '../../src/shared/clock.js';

export interface SettleOptions {
  /** Only these job names (default: every job). */
  names?: string[];
  timeoutMs?: number;
  /** 'any': also wait for jobs scheduled later (retries in backoff); 'due' (default): only those already due. */
  scheduled?: 'due' | 'any';
  /** Throw as soon as one of the watched jobs is dead, with its last error. */
  failOnDead?: boolean;
  /** How many polls in a row must find nothing (a job may enqueue the next one as it finishes). */
  quietPolls?: number;
}

/** Waits until the job system has nothing left to do: listeners, deliveries and sends have all run. */
export async function settleJobs(db: Kysely<Database>, options: SettleOptions = {}): Promise<void> {
  const { names, timeoutMs = 15_000, scheduled = 'due', failOnDead = false, quietPolls = 1 } = options;
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < quietPolls) {
    let query = db
      .selectFrom('jobs')
      .select(['id', 'name', 'status', 'last_error'])
      .where((eb) =>
        eb.or([
          eb('status', 'in', failOnDead ? ['queued', 'running', 'dead'] : ['queued', 'running']),
          scheduled === 'any'
            ? eb('status', '=', 'scheduled')
            : eb('status', '=', 'scheduled').and('run_at', '<=', new Date()),
        ]),
      );
    if (names) query = query.where('name', 'in', names);
    const busy = await query.execute();
    const dead = busy.filter((job) => job.status === 'dead');
    if (dead.length > 0) throw new Error(`job died: ${JSON.stringify(dead)}`);
    quiet = busy.length === 0 ? quiet + 1 : 0;
    if (quiet >= quietPolls) return;
    if (Date.now() > deadline) throw new Error(`jobs still busy: ${JSON.stringify(busy)}`);
    await sleep(25);
  }
}
