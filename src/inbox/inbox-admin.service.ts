import type { AuditRepo } from '../accounts/audit.repo.js';
import type { UsersRepo } from '../accounts/users.repo.js';
import {
  automationChanges,
  type InboxAutomationInput,
  touchesAutomation,
} from '../automation/inbox-hours/inbox-settings.js';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Inbox, Role } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { SecretBox } from '../shared/crypto.js';
import { AppError, notFound } from '../shared/errors.js';
import { removeFilesLater, storageKeysOf } from './attachment-files.js';
import {
  generateVerifyToken,
  openCredentials,
  sealCredentials,
  type WhatsAppCredentials,
} from './inbox-credentials.js';
import type { InboxesRepo } from './inboxes.repo.js';
import { type Actor, changeMembers, type MemberChangeMode, membersAmong } from './member-set.js';

/** Santana's reading of Chatwoot's `provider_config` for a WhatsApp Cloud inbox. */
export interface WhatsAppProviderConfig {
  api_key: string;
  phone_number_id: string;
  business_account_id: string;
  /** Santana: the Meta app's secret, which signs every webhook (X-Hub-Signature-256). */
  app_secret: string;
  webhook_verify_token?: string | undefined;
}

export type CreateInboxInput = InboxAutomationInput & {
  name: string;
  enable_auto_assignment?: boolean | undefined;
  channel:
    | { type: 'whatsapp'; provider: 'whatsapp_cloud'; phone_number: string; provider_config: WhatsAppProviderConfig }
    | { type: 'api' };
};

export interface UpdateInboxInput extends InboxAutomationInput {
  name?: string | undefined;
  enable_auto_assignment?: boolean | undefined;
  channel?:
    | {
        phone_number?: string | undefined;
        provider_config?: Partial<WhatsAppProviderConfig> | undefined;
      }
    | undefined;
}

const SECRET_FIELDS = ['api_key', 'app_secret', 'webhook_verify_token'] as const;

const digitsOf = (phone: string) => phone.replace(/\D/g, '');

function duplicate(field: string, what: string): AppError {
  return new AppError('unprocessable', `Este ${what} já está conectado a outra caixa de entrada.`, [
    { field, message: 'já em uso' },
  ]);
}

/** Inboxes as administrators set them up: channel credentials sealed, never returned, every change audited. */
export function createInboxAdminService(deps: {
  db: Db;
  inboxes: InboxesRepo;
  users: UsersRepo;
  audit: AuditRepo;
  box: SecretBox;
  jobs: JobSystem;
  /** A WhatsApp inbox was connected or its credentials changed (its templates are synced then). */
  onConnected?: (inbox: Inbox) => Promise<void>;
  /** Business hours or greeting changed (caches of them are dropped). */
  onSettingsChanged?: (inbox: Inbox) => void;
}) {
  const { inboxes, audit, box } = deps;

  async function findVisible(accountId: number, id: number, viewer?: { userId: number; role: Role }) {
    const inbox = await inboxes.find(accountId, id);
    // An agent outside the inbox gets the same answer as for an inbox that does not exist.
    if (!inbox || (viewer?.role === 'agent' && !(await inboxes.memberIds(accountId, id)).includes(viewer.userId))) {
      throw notFound('Caixa de entrada');
    }
    return inbox;
  }

  async function assertChannelFree(values: { phoneNumberId?: string; phoneNumber?: string }, exceptId?: number) {
    if (values.phoneNumberId) {
      const owner = await inboxes.findByPhoneNumberId(values.phoneNumberId);
      if (owner && owner.id !== exceptId) throw duplicate('channel.provider_config.phone_number_id', 'phone_number_id');
    }
    if (values.phoneNumber) {
      const owner = await inboxes.findByPhoneNumber(values.phoneNumber);
      if (owner && owner.id !== exceptId) throw duplicate('channel.phone_number', 'número');
    }
  }

  function record(actor: Actor, action: string, inboxId: number, details: Record<string, unknown>) {
    return audit.record({
      action,
      accountId: actor.accountId,
      actorUserId: actor.userId,
      targetType: 'inbox',
      targetId: inboxId,
      ip: actor.ip,
      details,
    });
  }

  /** New credentials from what the request changed; unreadable old ones must be replaced whole. */
  function mergedCredentials(inbox: Inbox, given: Partial<WhatsAppProviderConfig>): string {
    const current = openCredentials(box, inbox);
    const accessToken = given.api_key ?? current?.access_token;
    const appSecret = given.app_secret ?? current?.app_secret;
    if (!accessToken || !appSecret) {
      throw new AppError(
        'unprocessable',
        'As credenciais atuais não podem ser lidas: envie api_key e app_secret juntos.',
        [{ field: 'channel.provider_config', message: 'informe api_key e app_secret' }],
      );
    }
    const next: WhatsAppCredentials = {
      ...current,
      access_token: accessToken,
      app_secret: appSecret,
      verify_token: given.webhook_verify_token ?? current?.verify_token ?? generateVerifyToken(),
    };
    return sealCredentials(box, next);
  }

  return {
    async list(accountId: number, viewer: { userId: number; role: Role }): Promise<Inbox[]> {
      return viewer.role === 'administrator'
        ? inboxes.list(accountId)
        : inboxes.listForMember(accountId, viewer.userId);
    },

    get: findVisible,

    /** The token Meta's handshake must echo; administrators paste it into the Meta app. */
    verifyTokenOf(inbox: Inbox): string | null {
      return openCredentials(box, inbox)?.verify_token ?? null;
    },

    async create(actor: Actor, input: CreateInboxInput): Promise<Inbox> {
      const { channel } = input;
      const enableAutoAssignment = input.enable_auto_assignment ?? true;
      const settings = await automationChanges(deps.db, actor.accountId, null, input);
      let inbox: Inbox;
      if (channel.type === 'api') {
        inbox = await inboxes.create({
          accountId: actor.accountId,
          name: input.name,
          channelType: 'api',
          phoneNumber: null,
          phoneNumberId: null,
          businessAccountId: null,
          credentials: null,
          enableAutoAssignment,
          settings,
        });
      } else {
        const config = channel.provider_config;
        const phoneNumber = digitsOf(channel.phone_number);
        await assertChannelFree({ phoneNumberId: config.phone_number_id, phoneNumber });
        try {
          inbox = await inboxes.create({
            accountId: actor.accountId,
            name: input.name,
            channelType: 'whatsapp_cloud',
            phoneNumber,
            phoneNumberId: config.phone_number_id,
            businessAccountId: config.business_account_id,
            credentials: sealCredentials(box, {
              access_token: config.api_key,
              app_secret: config.app_secret,
              verify_token: config.webhook_verify_token ?? generateVerifyToken(),
            }),
            enableAutoAssignment,
            settings,
          });
        } catch (error) {
          // Two requests for the same number at once: the unique index decides.
          if (isUniqueViolation(error)) throw duplicate('channel.provider_config.phone_number_id', 'phone_number_id');
          throw error;
        }
      }
      if (inbox.channel_type === 'whatsapp_cloud') await deps.onConnected?.(inbox);
      await record(actor, 'inbox.created', inbox.id, {
        name: inbox.name,
        channel_type: inbox.channel_type,
        phone_number_id: inbox.phone_number_id,
      });
      return inbox;
    },

    async update(actor: Actor, id: number, input: UpdateInboxInput): Promise<Inbox> {
      const inbox = await findVisible(actor.accountId, id);
      const config = input.channel?.provider_config ?? {};
      const phoneNumber = input.channel?.phone_number === undefined ? undefined : digitsOf(input.channel.phone_number);
      if (input.channel && inbox.channel_type !== 'whatsapp_cloud') {
        throw new AppError('unprocessable', 'Esta caixa de entrada não tem configuração de canal do WhatsApp.', [
          { field: 'channel', message: 'não se aplica a este canal' },
        ]);
      }
      await assertChannelFree({ phoneNumberId: config.phone_number_id, phoneNumber }, inbox.id);
      const settings = await automationChanges(deps.db, actor.accountId, inbox, input);
      const secretsChanged = SECRET_FIELDS.some((field) => config[field] !== undefined);
      const values = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.enable_auto_assignment !== undefined ? { enable_auto_assignment: input.enable_auto_assignment } : {}),
        ...(phoneNumber !== undefined ? { phone_number: phoneNumber } : {}),
        ...(config.phone_number_id !== undefined ? { phone_number_id: config.phone_number_id } : {}),
        ...(config.business_account_id !== undefined ? { business_account_id: config.business_account_id } : {}),
        ...(secretsChanged ? { credentials: mergedCredentials(inbox, config) } : {}),
        // A new token is the administrator's answer to "reauthorization required".
        ...(config.api_key !== undefined ? { reauthorization_required_at: null, reauthorization_reason: null } : {}),
        ...settings,
      };
      let updated: Inbox | undefined;
      try {
        updated = await inboxes.update(actor.accountId, inbox.id, values);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicate('channel.provider_config.phone_number_id', 'phone_number_id');
        throw error;
      }
      if (!updated) throw notFound('Caixa de entrada');
      if (secretsChanged || config.business_account_id !== undefined) await deps.onConnected?.(updated);
      if (touchesAutomation(input)) deps.onSettingsChanged?.(updated);
      // Names of what changed, never the values: secrets must not reach the audit log.
      const fields = [
        ...Object.keys(input).filter((key) => key !== 'channel'),
        ...(phoneNumber !== undefined ? ['phone_number'] : []),
        ...Object.keys(config),
      ];
      await record(actor, 'inbox.updated', inbox.id, { fields });
      return updated;
    },

    /** Deletes the inbox with its conversations and messages; their files go after the commit (a job). */
    async remove(actor: Actor, id: number): Promise<void> {
      const inbox = await findVisible(actor.accountId, id);
      await inTransaction(deps.db, async (tx) => {
        const files = await storageKeysOf(tx.trx, actor.accountId, { inboxId: id });
        if (!(await inboxes.remove(actor.accountId, id, tx.trx))) throw notFound('Caixa de entrada');
        await removeFilesLater(deps.jobs, tx, actor.accountId, files);
      });
      await record(actor, 'inbox.deleted', id, { name: inbox.name, phone_number_id: inbox.phone_number_id });
    },

    async members(accountId: number, inboxId: number, viewer: { userId: number; role: Role }) {
      await findVisible(accountId, inboxId, viewer);
      return membersAmong(await deps.users.listAgents(accountId), await inboxes.memberIds(accountId, inboxId));
    },

    async changeMembers(actor: Actor, inboxId: number, mode: MemberChangeMode, userIds: number[]) {
      await findVisible(actor.accountId, inboxId);
      return changeMembers(
        deps,
        actor,
        {
          type: 'inbox',
          id: inboxId,
          store: {
            memberIds: () => inboxes.memberIds(actor.accountId, inboxId),
            add: (ids, executor) => inboxes.addMembers(actor.accountId, inboxId, ids, executor),
            remove: (ids, executor) => inboxes.removeMembers(actor.accountId, inboxId, ids, executor),
          },
        },
        mode,
        userIds,
      );
    },
  };
}

export type InboxAdminService = ReturnType<typeof createInboxAdminService>;
