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
  report: (accountId: number, update: SmsStatusUpdate) => Promise<'applied' | 'unchanged' | 'pending'>;
  logger: Logger;
  deliveredAfterMs?: number;
}): SmsDriver<SimulatorSettings> {
  const deliveredAfterMs = deps.deliveredAfterMs ?? 800;

  // A report that comes before the sender stored the id is kept pending and applied when it is.
  async function reportDelivered(accountId: number, sid: string): Promise<void> {
    await deps.simulator.sms.setStatus(sid, 'delivered');
    await deps.report(accountId, { provider: 'simulator', providerId: sid, status: 'delivered' });
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
      setTimeout(() => void reportDelivered(sms.accountId, sid).catch(logFailure), deliveredAfterMs).unref();
      return { providerId: sid };
    },
  };
}
