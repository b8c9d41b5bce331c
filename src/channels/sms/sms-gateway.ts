import type { Db } from '../../db/client.js';
import type { TxContext } from '../../db/transaction.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { SmsSettingsService } from './sms-settings.service.js';

/**
 * What the notification delivery needs from SMS (Twilio, Zenvia or the simulator's fake): whether the
 * account can send SMS at all, and a durable send of one notification's `rendered.sms` text to its
 * contact's phone, committed with the caller's transaction. The send job updates the notification
 * (sent with the provider's id, or failed with the code and a reason); status callbacks move it on.
 */
export interface SmsGateway {
  /**
   * Reads the account's SMS settings. Inside a transaction pass its `trx`: on PGlite (one connection)
   * a query outside an open transaction waits for it forever.
   */
  isAvailable(accountId: number, executor?: Db): Promise<boolean>;
  enqueue(tx: TxContext, accountId: number, notificationId: number): Promise<void>;
}

/**
 * The SMS gateway the notifier uses. `enqueue` expects the notification already `queued` on channel
 * `sms` with its `rendered.sms` text (set in the same transaction); the job is keyed `sms:<id>`, so
 * enqueueing twice sends once.
 */
export function createSmsGateway(deps: { jobs: JobSystem; settings: Pick<SmsSettingsService, 'resolve'> }): SmsGateway {
  return {
    async isAvailable(accountId, executor) {
      return (await deps.settings.resolve(accountId, executor)) !== null;
    },
    async enqueue(tx, accountId, notificationId) {
      await deps.jobs.enqueue('sms.send', { notificationId }, { tx, key: `sms:${notificationId}`, accountId });
    },
  };
}
