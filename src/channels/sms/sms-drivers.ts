import type { SimulatorSettings } from './drivers/simulator.js';
import type { TwilioSettings } from './drivers/twilio.js';
import type { ZenviaSettings } from './drivers/zenvia.js';
import { type OutgoingSms, type SmsAccountSettings, type SmsDriver, SmsSendError } from './sms-provider.js';

/** Every SMS gateway behind one call: the account's settings choose the driver. */
export function createSmsDrivers(drivers: {
  twilio: SmsDriver<TwilioSettings>;
  zenvia: SmsDriver<ZenviaSettings>;
  /** Only while SIMULATOR is on. */
  simulator: SmsDriver<SimulatorSettings> | null;
}) {
  return {
    send(settings: SmsAccountSettings, sms: OutgoingSms): Promise<{ providerId: string }> {
      switch (settings.provider) {
        case 'twilio':
          return drivers.twilio.send(settings, sms);
        case 'zenvia':
          return drivers.zenvia.send(settings, sms);
        case 'simulator':
          if (!drivers.simulator) {
            throw new SmsSendError('The simulator is off', {
              provider: 'simulator',
              httpStatus: null,
              code: 'not_configured',
              retryable: false,
            });
          }
          return drivers.simulator.send(settings, sms);
      }
    },
  };
}

export type SmsDrivers = ReturnType<typeof createSmsDrivers>;
