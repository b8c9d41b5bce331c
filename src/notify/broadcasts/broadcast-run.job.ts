import { z } from 'zod';
import { defineJob } from '../../jobs/job-definition.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { Clock } from '../../shared/clock.js';
import type { BroadcastsService } from './broadcasts.service.js';

/** How long a broadcast waits for the account's running one before looking again. */
const WAIT_FOR_OTHER_MS = 60_000;

/** At the broadcast's scheduled time: picks the opted-in labelled contacts and schedules one notification each. */
export function createBroadcastRunJob(deps: { broadcasts: BroadcastsService; jobs: JobSystem; clock: Clock }) {
  return defineJob({
    name: 'broadcast.run',
    schema: z.strictObject({ broadcastId: z.number().int().positive() }),
    timeoutMs: 10 * 60_000,
    async handler({ broadcastId }, context) {
      const outcome = await deps.broadcasts.run(broadcastId);
      if (outcome !== 'wait') return outcome;
      // Another broadcast may send all night (quiet hours): a fresh job per look, so waiting never runs out of attempts.
      const runAt = new Date(deps.clock.now().getTime() + WAIT_FOR_OTHER_MS);
      await deps.jobs.enqueue(
        'broadcast.run',
        { broadcastId },
        { runAt, key: `broadcast:${broadcastId}:wait:${runAt.getTime()}` },
      );
      context.logger.info({ broadcastId, runAt }, 'Broadcast waits for the account’s running one');
      return 'skipped';
    },
  });
}
