import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { BusinessEvents } from '../../automation/business-events.js';
import type { Db } from '../../db/client.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { RateLimiter } from '../../jobs/rate-limiter.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { Clock } from '../../shared/clock.js';
import type { SecretBox } from '../../shared/crypto.js';
import type { Logger } from '../../shared/logger.js';
import type { Simulator } from '../simulator/simulator.service.js';
import { createSimulatorSmsDriver } from './drivers/simulator.js';
import { createTwilioDriver } from './drivers/twilio.js';
import { createZenviaDriver } from './drivers/zenvia.js';
import { createSendSmsJob } from './send-sms.job.js';
import { createSmsCallbackUrls } from './sms-callback-urls.js';
import { createSmsDrivers } from './sms-drivers.js';
import { createSmsGateway } from './sms-gateway.js';
import { createSmsSettingsService } from './sms-settings.service.js';
import { createSmsStatusService } from './sms-status.service.js';

/**
 * The SMS channel wired together: account settings, the gateways (Twilio, Zenvia, the simulator's),
 * the `sms.send` job, status handling for callbacks, and the gateway the notifier sends through.
 */
export function createSmsChannel(deps: {
  db: Db;
  box: SecretBox;
  audit: AuditRepo;
  jobs: JobSystem;
  rateLimiter: RateLimiter;
  businessEvents: BusinessEvents;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  simulator: Simulator | null;
  config: { frontendUrl: string; secretKeyBase: string; twilioApiUrl: string; zenviaApiUrl: string };
  /** How long a gateway call may take (tests shorten it). */
  timeoutMs?: number;
}) {
  const urls = createSmsCallbackUrls(deps.config);
  const settings = createSmsSettingsService({
    db: deps.db,
    box: deps.box,
    audit: deps.audit,
    urls,
    simulatorEnabled: deps.simulator !== null,
  });
  const status = createSmsStatusService(deps);
  const drivers = createSmsDrivers({
    twilio: createTwilioDriver({ apiUrl: deps.config.twilioApiUrl, timeoutMs: deps.timeoutMs }),
    zenvia: createZenviaDriver({ apiUrl: deps.config.zenviaApiUrl, timeoutMs: deps.timeoutMs }),
    simulator: deps.simulator
      ? createSimulatorSmsDriver({
          simulator: deps.simulator,
          report: (accountId, update) => status.apply(accountId, update),
          logger: deps.logger,
        })
      : null,
  });
  return {
    urls,
    settings,
    status,
    gateway: createSmsGateway({ jobs: deps.jobs, settings }),
    job: createSendSmsJob({ db: deps.db, settings, drivers, status, rateLimiter: deps.rateLimiter, urls }),
  };
}

export type SmsChannel = ReturnType<typeof createSmsChannel>;
