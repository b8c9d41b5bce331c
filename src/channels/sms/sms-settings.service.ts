import type { z } from 'zod';
import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import type { SmsProviderName } from '../../db/schema.js';
import type { SecretBox } from '../../shared/crypto.js';
import { AppError } from '../../shared/errors.js';
import type { SmsCallbackUrls } from './sms-callback-urls.js';
import {
  openSmsCredentials,
  sealSmsCredentials,
  type TwilioCredentials,
  TwilioCredentialsSchema,
  type ZenviaCredentials,
  ZenviaCredentialsSchema,
} from './sms-credentials.js';
import type { SmsAccountSettings } from './sms-provider.js';
import { smsSettingsRepo } from './sms-settings.repo.js';

export type SmsSettingsInput =
  | { provider: 'twilio'; sender: string; credentials?: TwilioCredentials | undefined }
  | { provider: 'zenvia'; sender: string; credentials?: ZenviaCredentials | undefined }
  | { provider: 'simulator'; sender?: string | null | undefined };

/** What administrators see: never the credentials, only whether they are set. */
export interface SmsSettingsView {
  provider: SmsProviderName | null;
  sender: string | null;
  configured: boolean;
  /** Where the gateway reports statuses (Zenvia's must be registered as a MESSAGE_STATUS subscription). */
  status_callback_url: string | null;
}

export interface SmsSettingsActor {
  accountId: number;
  userId: number;
  ip: string | null;
}

/** An account's SMS gateway: Twilio, Zenvia, or the simulator's (the default while SIMULATOR is on). */
export function createSmsSettingsService(deps: {
  db: Db;
  box: SecretBox;
  audit: AuditRepo;
  urls: SmsCallbackUrls;
  simulatorEnabled: boolean;
}) {
  /** The account's gateway, or null when it cannot send SMS. `executor`: the caller's transaction, if any. */
  async function resolve(accountId: number, executor: Db = deps.db): Promise<SmsAccountSettings | null> {
    const row = await smsSettingsRepo.find(executor, accountId);
    if (!row || row.provider === 'simulator') {
      return deps.simulatorEnabled ? { provider: 'simulator', sender: row?.sender ?? null } : null;
    }
    if (!row.sender) return null;
    if (row.provider === 'twilio') {
      const credentials = openSmsCredentials(deps.box, row.credentials, TwilioCredentialsSchema);
      return credentials ? { provider: 'twilio', sender: row.sender, credentials } : null;
    }
    const credentials = openSmsCredentials(deps.box, row.credentials, ZenviaCredentialsSchema);
    return credentials ? { provider: 'zenvia', sender: row.sender, credentials } : null;
  }

  async function view(accountId: number): Promise<SmsSettingsView> {
    const settings = await resolve(accountId);
    const row = await smsSettingsRepo.find(deps.db, accountId);
    const provider = settings?.provider ?? row?.provider ?? null;
    return {
      provider,
      sender: settings?.sender ?? row?.sender ?? null,
      configured: row !== undefined && settings !== null,
      status_callback_url:
        provider === 'twilio'
          ? deps.urls.twilio(accountId)
          : provider === 'zenvia'
            ? deps.urls.zenvia(accountId)
            : null,
    };
  }

  /** Credentials left out are kept when the provider stays the same and the stored ones still open. */
  async function credentialsFor(accountId: number, input: SmsSettingsInput): Promise<string | null> {
    if (input.provider === 'simulator') return null;
    if (input.credentials) return sealSmsCredentials(deps.box, input.credentials);
    const row = await smsSettingsRepo.find(deps.db, accountId);
    const schema: z.ZodType<unknown> = input.provider === 'twilio' ? TwilioCredentialsSchema : ZenviaCredentialsSchema;
    if (row?.provider === input.provider && openSmsCredentials(deps.box, row.credentials, schema)) {
      return row.credentials;
    }
    throw new AppError('unprocessable', 'Informe as credenciais do provedor de SMS.', [
      { field: 'credentials', message: 'obrigatório ao escolher este provedor' },
    ]);
  }

  return {
    resolve,
    view,

    async update(actor: SmsSettingsActor, input: SmsSettingsInput): Promise<SmsSettingsView> {
      if (input.provider === 'simulator' && !deps.simulatorEnabled) {
        throw new AppError('unprocessable', 'O simulador não está ativo neste servidor.', [
          { field: 'provider', message: 'simulador desligado (SIMULATOR=off)' },
        ]);
      }
      const credentials = await credentialsFor(actor.accountId, input);
      await smsSettingsRepo.save(deps.db, {
        accountId: actor.accountId,
        provider: input.provider,
        sender: input.sender ?? null,
        credentials,
      });
      await deps.audit.record({
        action: 'sms_settings.updated',
        accountId: actor.accountId,
        actorUserId: actor.userId,
        targetType: 'account',
        targetId: actor.accountId,
        ip: actor.ip,
        // Never the secrets: only whether new ones were given.
        details: {
          provider: input.provider,
          sender: input.sender ?? null,
          credentials_changed: 'credentials' in input && input.credentials !== undefined,
        },
      });
      return view(actor.accountId);
    },
  };
}

export type SmsSettingsService = ReturnType<typeof createSmsSettingsService>;
