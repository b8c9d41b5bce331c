import type { Kysely } from 'kysely';
import type { ConsentPurpose, ConsentStatus, Database, NotificationCategory } from '../../db/schema.js';

export interface ConsentState {
  status: ConsentStatus | 'unknown';
  at: Date | null;
  source: string | null;
}

export type Consents = Record<ConsentPurpose, ConsentState>;

/**
 * Without a record: automated notifications (reminders, confirmations, offers) go out — the person
 * booked or works with the business — but marketing needs an explicit opt-in (LGPD).
 */
const DEFAULTS: Record<ConsentPurpose, ConsentState> = {
  marketing: { status: 'unknown', at: null, source: null },
  notifications: { status: 'opted_in', at: null, source: 'default' },
};

export interface ConsentRow {
  purpose: ConsentPurpose;
  status: ConsentStatus;
  source: string | null;
  /** A Date, or its ISO text when read through JSON. */
  at: Date | string | null;
}

/** A person's consents from their rows (missing purposes take the defaults). */
export function consentsFromRows(rows: ConsentRow[]): Consents {
  const consents: Consents = { marketing: { ...DEFAULTS.marketing }, notifications: { ...DEFAULTS.notifications } };
  for (const row of rows) {
    consents[row.purpose] = { status: row.status, at: row.at === null ? null : new Date(row.at), source: row.source };
  }
  return consents;
}

/** A person's consents, one row per purpose; every automated send checks them first. */
export const consentsRepo = {
  async get(db: Kysely<Database>, accountId: number, contactId: number): Promise<Consents> {
    const rows = await db
      .selectFrom('contact_consents')
      .select(['purpose', 'status', 'source', 'at'])
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .execute();
    return consentsFromRows(rows);
  },

  /** Records a decision (the latest wins); returns whether it changed anything. */
  async set(
    db: Kysely<Database>,
    input: {
      accountId: number;
      contactId: number;
      purpose: ConsentPurpose;
      status: ConsentStatus;
      source: string;
      details?: Record<string, unknown>;
      at: Date;
    },
  ): Promise<boolean> {
    const values = {
      account_id: input.accountId,
      contact_id: input.contactId,
      purpose: input.purpose,
      status: input.status,
      source: input.source,
      details: JSON.stringify(input.details ?? {}),
      at: input.at,
    };
    const changed = await db
      .insertInto('contact_consents')
      .values(values)
      .onConflict((conflict) =>
        conflict
          .columns(['contact_id', 'purpose'])
          .doUpdateSet({ status: input.status, source: input.source, details: values.details, at: input.at })
          .whereRef('contact_consents.status', '<>', 'excluded.status')
          // Decisions may be applied out of order (two workers, a retry): an older one never wins.
          .where('contact_consents.at', '<=', input.at),
      )
      .returning('contact_id')
      .executeTakeFirst();
    return changed !== undefined;
  },
};

/**
 * Whether an automated send may reach the person. Marketing needs an opt-in; a non-essential
 * notification stops at an opt-out of notifications (SAIR also withdraws it); essential ones (e.g.
 * the confirmation that the opt-out worked, an offer the provider is answering) always go.
 */
export async function consentAllows(
  db: Kysely<Database>,
  accountId: number,
  contactId: number,
  send: { category: NotificationCategory; essential: boolean },
): Promise<{ allowed: true } | { allowed: false; reason: string }> {
  return consentDecision(await consentsRepo.get(db, accountId, contactId), send);
}

/** consentAllows on consents already read (the delivery job reads them with the notification). */
export function consentDecision(
  consents: Consents,
  send: { category: NotificationCategory; essential: boolean },
): { allowed: true } | { allowed: false; reason: string } {
  if (send.category === 'marketing' && consents.marketing.status !== 'opted_in') {
    return {
      allowed: false,
      reason:
        consents.marketing.status === 'opted_out'
          ? 'opted_out: o contato pediu para não receber marketing'
          : 'no_consent: o contato não autorizou marketing',
    };
  }
  if (!send.essential && consents.notifications.status === 'opted_out') {
    return { allowed: false, reason: 'opted_out: o contato pediu para não receber mensagens automáticas' };
  }
  return { allowed: true };
}
