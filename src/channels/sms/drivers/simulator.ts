import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../shared/logger.js';
import type { Simulator } from '../../simulator/simulator.service.js';
import type { SmsAccountSettings, SmsDriver, SmsStatusUpdate } from '../sms-provider.js';

export type SimulatorSettings = Extract<SmsAccountSettings, { provider: 'simulator' }>;

export const SIMULATOR_SMS_SENDER = 'Santana';

/**
 * The built-in simulator's SMS gateway (the default while SIMULATOR is on and an account has no real
 * one): it keeps each SMS for the simulator's phones to show, then reports it delivered, as a
 * gateway's status callback would, through the same status handling.
 */
export function createSimulatorSmsDriver(deps: {
  simulator: Simulator;
  report: (accountId: number, update: SmsStatusUpdate) => Promise<'applied' | 'unchanged' | 'unknown'>;
  logger: Logger;
  deliveredAfterMs?: number;
}): SmsDriver<SimulatorSettings> {
  const deliveredAfterMs = deps.deliveredAfterMs ?? 800;

  // The sender stores the id only once send() returns: a report that comes first finds nothing yet,
  // so it is repeated a few times (a real gateway's callback arrives seconds later).
  async function reportDelivered(accountId: number, sid: string, triesLeft: number): Promise<void> {
    await deps.simulator.sms.setStatus(sid, 'delivered');
    const outcome = await deps.report(accountId, { provider: 'simulator', providerId: sid, status: 'delivered' });
    if (outcome === 'unknown' && triesLeft > 0) {
      setTimeout(() => void reportDelivered(accountId, sid, triesLeft - 1).catch(logFailure), 500).unref();
    }
  }
  const logFailure = (error: unknown) =>
    deps.logger.warn({ err: error }, 'The SMS simulator could not report a delivery');

  return {
    async send(settings, sms) {
      const sid = `SMSIM${randomBytes(16).toString('hex')}`;
      await deps.simulator.sms.record({
        accountId: sms.accountId,
        sid,
        to: sms.to,
        sender: settings.sender ?? SIMULATOR_SMS_SENDER,
        body: sms.body,
      });
      setTimeout(() => void reportDelivered(sms.accountId, sid, 10).catch(logFailure), deliveredAfterMs).unref();
      return { providerId: sid };
    },
  };
}
