import type { Kysely } from 'kysely';
import type { AuditRepo } from '../accounts/audit.repo.js';
import type { MergeActor } from '../crm/merge-profiles.js';
import type { Db } from '../db/client.js';
import type { Contact, Conversation, Database } from '../db/schema.js';
import { inTransaction, type TxContext } from '../db/transaction.js';
import type { JobSystem } from '../jobs/job-system.js';
import { IDS_PER_ERASURE } from '../privacy/erasure.job.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import { removeFilesLater, storageKeysOf } from './attachment-files.js';
import { type ContactInput, contactChangesFrom, fieldProblem } from './contact-changes.js';
import {
  contactFilterCondition,
  contactSearchCondition,
  customAttributeKeys,
  type FilterLine,
} from './contact-filter.js';
import {
  attachContactInbox,
  type ContactInboxView,
  type ContactWithInboxes,
  contactableInboxes,
  findAccountInbox,
  withContactInboxes,
} from './contact-inboxes.js';
import { mergeContacts } from './contact-merge.js';
import { whatsAppIdsOf } from './contact-whatsapp-ids.js';
import { type ContactCondition, type ContactSort, contactsRepo } from './contacts.repo.js';
import type { InboxScope } from './inbox-access.js';
import { normalizeLabels } from './label-titles.js';

/** Chatwoot's page size for contacts. */
export const CONTACTS_PER_PAGE = 15;
const CONVERSATIONS_PER_CONTACT = 20;

/** Contacts as Chatwoot's API manages them: validation, duplicates (both 9th-digit forms), labels, inboxes. */
export function createContactsService(deps: {
  db: Db;
  events: EventBus;
  clock: Clock;
  jobs: JobSystem;
  audit: AuditRepo;
}) {
  const { db } = deps;

  function publish(tx: TxContext, accountId: number, name: string, contact: Pick<Contact, 'id'> & Partial<Contact>) {
    tx.afterCommit(() =>
      deps.events.publish({
        accountId,
        name,
        data: {
          id: contact.id,
          name: contact.name,
          email: contact.email,
          phone_number: contact.phone_number,
          identifier: contact.identifier,
        },
      }),
    );
  }

  async function existing(executor: Kysely<Database>, accountId: number, id: number) {
    const contact = await contactsRepo.find(executor, accountId, id);
    if (!contact) throw notFound('Contato');
    return contact;
  }

  async function show(accountId: number, id: number): Promise<ContactWithInboxes> {
    const [view] = await withContactInboxes(db, accountId, [await existing(db, accountId, id)]);
    return view as ContactWithInboxes;
  }

  async function page(accountId: number, where: ContactCondition | undefined, sort: ContactSort, pageNumber: number) {
    const { count, contacts } = await contactsRepo.page(db, accountId, {
      where,
      sort,
      page: pageNumber,
      perPage: CONTACTS_PER_PAGE,
    });
    return { count, contacts: await withContactInboxes(db, accountId, contacts) };
  }

  // Chatwoot lists "resolved" contacts: those with an e-mail, phone or identifier.
  const resolved: ContactCondition = (eb) =>
    eb.or([eb('email', 'is not', null), eb('phone_number', 'is not', null), eb('identifier', 'is not', null)]);

  return {
    list: (accountId: number, sort: ContactSort, pageNumber: number) => page(accountId, resolved, sort, pageNumber),

    search: (accountId: number, q: string, sort: ContactSort, pageNumber: number) => {
      const matches = contactSearchCondition(q);
      return page(accountId, (eb) => eb.and([resolved(eb), matches(eb)]), sort, pageNumber);
    },

    async filter(accountId: number, lines: FilterLine[], sort: ContactSort, pageNumber: number) {
      const condition = contactFilterCondition(lines);
      for (const key of customAttributeKeys(lines)) {
        if (!(await contactsRepo.hasCustomAttribute(db, accountId, key))) {
          throw new AppError(
            'unprocessable',
            `Atributo desconhecido no filtro: ${key}.`,
            fieldProblem('attribute_key', 'desconhecido', { attribute_key: key }),
          );
        }
      }
      return page(accountId, condition, sort, pageNumber);
    },

    show,

    /** Creates a contact (and its contact inbox when `inboxId` is given); a name typed here is the agent's. */
    async create(accountId: number, input: ContactInput & { inboxId?: number | undefined }) {
      return inTransaction(db, async (tx) => {
        const inbox = input.inboxId ? await findAccountInbox(tx.trx, accountId, input.inboxId) : null;
        const changes = await contactChangesFrom(tx, accountId, input, null);
        const fallbackName = changes.phone_number ?? changes.email ?? changes.identifier;
        if (!changes.name && !fallbackName) {
          throw new AppError(
            'unprocessable',
            'Informe ao menos nome, e-mail, telefone ou identificador do contato.',
            fieldProblem('name', 'obrigatório'),
          );
        }
        const contact = await contactsRepo.insert(tx.trx, {
          accountId,
          // Without a typed name, WhatsApp's profile name may fill it in later.
          name: changes.name ?? fallbackName ?? '',
          nameSource: changes.name ? 'agent' : 'profile',
          phoneNumber: changes.phone_number ?? null,
          phoneKey: changes.phone_key ?? null,
          email: changes.email ?? null,
          identifier: changes.identifier ?? null,
          customAttributes: changes.custom_attributes,
          additionalAttributes: changes.additional_attributes,
        });
        if (!contact) throw new AppError('conflict', 'Outro contato com este telefone acabou de ser criado.');
        const contactInbox = inbox ? await attachContactInbox(tx, contact, inbox) : null;
        publish(tx, accountId, 'contact.created', contact);
        const [view] = await withContactInboxes(tx.trx, accountId, [contact]);
        return { ...(view as ContactWithInboxes), contactInbox };
      });
    },

    async update(accountId: number, id: number, input: ContactInput): Promise<ContactWithInboxes> {
      return inTransaction(db, async (tx) => {
        const [contact] = await contactsRepo.lockMany(tx.trx, accountId, [id]);
        if (!contact) throw notFound('Contato');
        const changes = await contactChangesFrom(tx, accountId, input, contact);
        const updated = (await contactsRepo.update(tx.trx, accountId, id, changes)) ?? contact;
        publish(tx, accountId, 'contact.updated', updated);
        const [view] = await withContactInboxes(tx.trx, accountId, [updated]);
        return view as ContactWithInboxes;
      });
    },

    /**
     * Deletes the contact with its conversations and messages (Chatwoot does the same), and what else holds
     * the person's data (LGPD erasure): their files, once no other message shows them, the stored WhatsApp
     * webhook bodies and the outgoing webhook log entries that name them, by jobs queued in the same
     * transaction.
     */
    async remove(actor: { accountId: number; userId: number; ip: string | null }, id: number): Promise<void> {
      const { accountId } = actor;
      await inTransaction(db, async (tx) => {
        const [contact] = await contactsRepo.lockMany(tx.trx, accountId, [id]);
        if (!contact) throw notFound('Contato');
        const files = await storageKeysOf(tx.trx, accountId, { contactId: id });
        const ids = await whatsAppIdsOf(tx.trx, contact);
        if (contact.phone_number) ids.push(contact.phone_number);
        if (!(await contactsRepo.delete(tx.trx, accountId, id))) throw notFound('Contato');
        await removeFilesLater(deps.jobs, tx, accountId, files);
        for (let start = 0; start < ids.length; start += IDS_PER_ERASURE) {
          const some = ids.slice(start, start + IDS_PER_ERASURE);
          await deps.jobs.enqueue('privacy.erase_person_data', { accountId, ids: some }, { tx, accountId });
        }
        // Who erased whom and when, without the person's data (their name and number are gone).
        await deps.audit.record(
          {
            action: 'contact.deleted',
            accountId,
            actorUserId: actor.userId,
            ip: actor.ip,
            targetType: 'contact',
            targetId: id,
            details: { files: files.length },
          },
          tx.trx,
        );
        publish(tx, accountId, 'contact.deleted', contact);
      });
    },

    async labels(accountId: number, id: number): Promise<string[]> {
      return (await existing(db, accountId, id)).labels;
    },

    /** Replaces the contact's labels (Chatwoot's POST overwrites the list). */
    async setLabels(accountId: number, id: number, labels: string[]): Promise<string[]> {
      return inTransaction(db, async (tx) => {
        const [contact] = await contactsRepo.lockMany(tx.trx, accountId, [id]);
        if (!contact) throw notFound('Contato');
        const updated =
          (await contactsRepo.update(tx.trx, accountId, id, { labels: normalizeLabels(labels) })) ?? contact;
        publish(tx, accountId, 'contact.updated', updated);
        return updated.labels;
      });
    },

    /** The contact's latest conversations the caller may see (agents: their inboxes only). */
    async conversations(accountId: number, id: number, scope: InboxScope): Promise<Conversation[]> {
      await existing(db, accountId, id);
      let query = db
        .selectFrom('conversations')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('contact_id', '=', id);
      // An agent in no inbox sees nothing (an empty IN list is not valid SQL).
      if (scope !== null) query = query.where('inbox_id', 'in', scope.length ? [...scope] : [0]);
      return query.orderBy('last_activity_at', 'desc').orderBy('id', 'desc').limit(CONVERSATIONS_PER_CONTACT).execute();
    },

    async addContactInbox(accountId: number, id: number, inboxId: number, sourceId?: string) {
      return inTransaction(db, async (tx) => {
        const contact = await existing(tx.trx, accountId, id);
        const inbox = await findAccountInbox(tx.trx, accountId, inboxId);
        return attachContactInbox(tx, contact, inbox, sourceId);
      });
    },

    /** Inboxes that can reach the contact, with the source id a new conversation there would use. */
    async contactableInboxes(accountId: number, id: number): Promise<ContactInboxView[]> {
      return contactableInboxes(db, await show(accountId, id));
    },

    /** Chatwoot's merge: the base contact keeps everything of the mergee, which is deleted. */
    merge: (accountId: number, baseId: number, mergeeId: number, actor: MergeActor) =>
      mergeContacts({ db, events: deps.events, clock: deps.clock }, accountId, baseId, mergeeId, actor).then(
        async (contact) => (await withContactInboxes(db, accountId, [contact]))[0] as ContactWithInboxes,
      ),
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
