import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/client.js';
import type { Inbox } from '../../db/schema.js';
import { openCredentials, sealCredentials } from '../../inbox/inbox-credentials.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import type { SecretBox } from '../../shared/crypto.js';
import { normalizePhone, whatsappVariants } from '../../shared/phone.js';
import type { SimulatorInboxRef } from './simulator-webhooks.js';

export const SIMULATOR_PHONE_NUMBER_ID = '109876543210001';
export const SIMULATOR_DISPLAY_NUMBER = '5511900000000';
export const SIMULATOR_WABA_ID = '209876543210001';

export interface InjectedFailure {
  code: number;
  title: string;
  remaining: number;
}

/**
 * The simulator's state: its WhatsApp inbox (account 1, wired to the fake Graph API served by this
 * process), the phones people play, and failures they asked the fake to produce.
 */
export function createSimulator(deps: { db: Db; inboxes: InboxesRepo; box: SecretBox; graphUrl: string }) {
  const failures = new Map<string, InjectedFailure>();

  async function inbox(): Promise<Inbox | undefined> {
    return deps.inboxes.findByPhoneNumberId(SIMULATOR_PHONE_NUMBER_ID);
  }

  return {
    /** Creates the simulator inbox on first start, and points it at this process's fake Graph API. */
    async ensureInbox(): Promise<Inbox> {
      const existing = await inbox();
      const previous = existing ? openCredentials(deps.box, existing) : null;
      const credentials = sealCredentials(deps.box, {
        access_token: previous?.access_token ?? `SIM${randomBytes(24).toString('base64url')}`,
        app_secret: previous?.app_secret ?? randomBytes(24).toString('hex'),
        verify_token: previous?.verify_token ?? randomBytes(12).toString('hex'),
        graph_url: deps.graphUrl,
      });
      if (existing) {
        return (await deps.inboxes.update(existing.account_id, existing.id, { credentials })) ?? existing;
      }
      return deps.inboxes.create({
        accountId: 1,
        name: 'WhatsApp (simulador)',
        channelType: 'whatsapp_cloud',
        phoneNumber: SIMULATOR_DISPLAY_NUMBER,
        phoneNumberId: SIMULATOR_PHONE_NUMBER_ID,
        businessAccountId: SIMULATOR_WABA_ID,
        credentials,
      });
    },

    async ref(): Promise<(SimulatorInboxRef & { inbox: Inbox; accessToken: string }) | null> {
      const found = await inbox();
      const credentials = found ? openCredentials(deps.box, found) : null;
      if (!found || !credentials) return null;
      return {
        inbox: found,
        accessToken: credentials.access_token,
        phoneNumberId: SIMULATOR_PHONE_NUMBER_ID,
        displayPhoneNumber: SIMULATOR_DISPLAY_NUMBER,
        businessAccountId: SIMULATOR_WABA_ID,
        appSecret: credentials.app_secret,
      };
    },

    failures: {
      set(waId: string, failure: InjectedFailure) {
        failures.set(waId, failure);
      },
      /** Takes one use of the failure set for this number, if any. */
      take(waId: string): InjectedFailure | undefined {
        const failure = failures.get(waId);
        if (!failure) return undefined;
        if (failure.remaining <= 1) failures.delete(waId);
        else failures.set(waId, { ...failure, remaining: failure.remaining - 1 });
        return failure;
      },
      clear: (waId: string) => failures.delete(waId),
    },

    async phones(inboxId: number) {
      return deps.db
        .selectFrom('simulator_phones')
        .select(['wa_id', 'name', 'created_at'])
        .where('inbox_id', '=', inboxId)
        .orderBy('created_at')
        .execute();
    },

    async upsertPhone(inboxId: number, waId: string, name: string) {
      await deps.db
        .insertInto('simulator_phones')
        .values({ inbox_id: inboxId, wa_id: waId, name })
        .onConflict((conflict) => conflict.columns(['inbox_id', 'wa_id']).doUpdateSet({ name }))
        .execute();
    },

    async record(values: {
      inboxId: number;
      waId: string;
      direction: 'to_business' | 'to_phone';
      wamid: string;
      payload: Record<string, unknown>;
    }) {
      await deps.db
        .insertInto('simulator_messages')
        .values({
          inbox_id: values.inboxId,
          wa_id: values.waId,
          direction: values.direction,
          wamid: values.wamid,
          payload: JSON.stringify(values.payload),
        })
        .execute();
    },

    async setStatus(wamid: string, status: 'delivered' | 'read' | 'failed') {
      await deps.db.updateTable('simulator_messages').set({ status }).where('wamid', '=', wamid).execute();
    },

    async messages(inboxId: number, waId: string) {
      return deps.db
        .selectFrom('simulator_messages')
        .selectAll()
        .where('inbox_id', '=', inboxId)
        .where('wa_id', '=', waId)
        .orderBy('id')
        .execute();
    },

    /** Business messages this phone has not read yet (to report `read` when the person opens the chat). */
    async unread(inboxId: number, waId: string) {
      return deps.db
        .selectFrom('simulator_messages')
        .select(['wamid'])
        .where('inbox_id', '=', inboxId)
        .where('wa_id', '=', waId)
        .where('direction', '=', 'to_phone')
        .where('status', 'in', ['sent', 'delivered'])
        .execute();
    },

    /** Media a phone sent (kept in the message payload, base64, as the fake's media store). */
    async media(mediaId: string): Promise<{ bytes: Buffer; mimeType: string; sha256: string } | null> {
      const row = await deps.db
        .selectFrom('simulator_messages')
        .select('payload')
        .where('direction', '=', 'to_business')
        .where(sql<string>`payload->'image'->>'id'`, '=', mediaId)
        .executeTakeFirst();
      const image = (row?.payload as { image?: { data?: string; mime_type?: string; sha256?: string } } | undefined)
        ?.image;
      if (!image?.data) return null;
      return {
        bytes: Buffer.from(image.data, 'base64'),
        mimeType: image.mime_type ?? 'image/jpeg',
        sha256: image.sha256 ?? '',
      };
    },

    /** SMS the simulator's gateway took (the SMS fallback when an account has no real gateway). */
    sms: {
      async record(values: { accountId: number; sid: string; to: string; sender: string | null; body: string }) {
        await deps.db
          .insertInto('simulator_sms')
          .values({
            account_id: values.accountId,
            sid: values.sid,
            to_number: values.to.replace(/\D/g, ''),
            sender: values.sender,
            body: values.body,
          })
          .execute();
      },

      async setStatus(sid: string, status: 'delivered' | 'failed') {
        await deps.db.updateTable('simulator_sms').set({ status }).where('sid', '=', sid).execute();
      },

      /** A phone's SMS, whichever form of a Brazilian mobile (with or without the 9th digit) it was sent to. */
      async list(accountId: number, waId: string) {
        const phone = normalizePhone(waId);
        return deps.db
          .selectFrom('simulator_sms')
          .select(['id', 'sid', 'sender', 'body', 'status', 'created_at'])
          .where('account_id', '=', accountId)
          .where('to_number', 'in', phone ? whatsappVariants(phone) : [waId])
          .orderBy('id')
          .execute();
      },
    },

    async lastFromPhone(inboxId: number, waId: string) {
      const row = await deps.db
        .selectFrom('simulator_messages')
        .select(sql<Date>`max(created_at)`.as('at'))
        .where('inbox_id', '=', inboxId)
        .where('wa_id', '=', waId)
        .where('direction', '=', 'to_business')
        .executeTakeFirst();
      return row?.at ?? null;
    },
  };
}

export type Simulator = ReturnType<typeof createSimulator>;
