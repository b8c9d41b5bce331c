import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import type { EventBus } from '../../realtime/event-bus.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { ImportOutcome } from '../csv-upload.js';
import { linkPersonContact, personFields, updatePersonContact } from '../person-contact.js';
import type { CrmActor } from '../pipeline/actor.js';
import { CRM_PER_PAGE } from '../pipeline/crm-schemas.js';
import { changedFields } from '../pipeline/references.js';
import {
  type ClientView,
  type CreateClientInput,
  mergeAddress,
  serializeClient,
  type UpdateClientInput,
} from './client-schemas.js';
import { type Address, clientsRepo } from './clients.repo.js';

const AUDITED = ['name', 'phone_number', 'email', 'document', 'document_kind', 'address', 'notes'] as const;
type Audited = Pick<ClientView, (typeof AUDITED)[number]>;
const audited = (view: ClientView): Audited => Object.fromEntries(AUDITED.map((key) => [key, view[key]])) as Audited;

/** Clients: a profile (address, notes) on a contact, who may also be a provider. */
export function createClientsService(deps: { db: Db; audit: AuditRepo; events: EventBus }) {
  const { db } = deps;

  async function load(tx: TxContext | null, accountId: number, id: number): Promise<ClientView> {
    const row = await clientsRepo.find(tx?.trx ?? db, accountId, id);
    if (!row) throw notFound('Cliente');
    return serializeClient(row);
  }

  function record(tx: TxContext, actor: CrmActor, action: string, id: number, details: Record<string, unknown>) {
    tx.afterCommit(() =>
      deps.events.publish({ accountId: actor.accountId, name: action, data: { id, ...(details.contact ?? {}) } }),
    );
    const { contact: _contact, ...rest } = details;
    return deps.audit.record(
      {
        action,
        accountId: actor.accountId,
        actorUserId: actor.userId,
        ip: actor.ip,
        targetType: 'client',
        targetId: id,
        details: rest,
      },
      tx.trx,
    );
  }

  async function changeProfile(tx: TxContext, actor: CrmActor, before: ClientView, input: UpdateClientInput) {
    await updatePersonContact(tx, deps.events, actor.accountId, before.contact_id, input);
    const address = input.address ? mergeAddress(before.address as Address, input.address) : undefined;
    await clientsRepo.update(tx.trx, actor.accountId, before.id, { address, notes: input.notes });
    const after = await load(tx, actor.accountId, before.id);
    const changes = changedFields(audited(before), audited(after), AUDITED);
    if (changes) {
      await record(tx, actor, 'client.updated', after.id, { ...changes, contact: { contact_id: after.contact_id } });
    }
    return { client: after, changed: changes !== null };
  }

  /**
   * Creates the client on the contact with that phone, document or e-mail (or a new one). When that
   * person is already a client: 409 naming it, or, with `updateExisting` (imports), an update.
   */
  async function save(actor: CrmActor, input: CreateClientInput, options: { updateExisting: boolean; source: string }) {
    return inTransaction(db, async (tx): Promise<{ client: ClientView; outcome: ImportOutcome }> => {
      const { contact, before } = await linkPersonContact(tx, deps.events, actor.accountId, input);
      // The contact's locks (its phone, e-mail, document) are held: nobody else adds a profile to it now.
      const existing = await clientsRepo.findByContact(tx.trx, actor.accountId, contact.id);
      if (existing) {
        if (!options.updateExisting) {
          throw new AppError('conflict', `${contact.name} já é cliente (cliente #${existing.id}).`, [
            {
              field: 'contact_id',
              message: 'esta pessoa já é cliente',
              client_id: existing.id,
              contact_id: contact.id,
            },
          ]);
        }
        await clientsRepo.lock(tx.trx, actor.accountId, existing.id);
        // Compare with the person as they were before this row changed them.
        const previous = { ...serializeClient(existing), ...(before ? personFields(before) : {}) };
        const { client, changed } = await changeProfile(tx, actor, previous, {
          address: input.address,
          notes: input.notes,
        });
        return { client, outcome: changed ? 'updated' : 'unchanged' };
      }
      const inserted = await clientsRepo.insert(tx.trx, {
        accountId: actor.accountId,
        contactId: contact.id,
        address: mergeAddress({}, input.address),
        notes: input.notes ?? '',
      });
      if (!inserted)
        throw new AppError('conflict', 'Esta pessoa acabou de virar cliente por outra requisição. Tente de novo.');
      const client = await load(tx, actor.accountId, inserted.id);
      await record(tx, actor, 'client.created', client.id, {
        after: audited(client),
        contact_id: client.contact_id,
        linked_existing_contact: before !== null,
        source: options.source,
        contact: { contact_id: client.contact_id },
      });
      return { client, outcome: 'created' };
    });
  }

  return {
    async page(accountId: number, q: string | undefined, page: number, contactId?: number) {
      const { count, rows } = await clientsRepo.page(db, accountId, { q, contactId, page, perPage: CRM_PER_PAGE });
      return { count, clients: rows.map(serializeClient) };
    },

    show: (accountId: number, id: number) => load(null, accountId, id),

    create: async (actor: CrmActor, input: CreateClientInput) =>
      (await save(actor, input, { updateExisting: false, source: 'api' })).client,

    /** One import row: a new client, or the existing client of that person brought up to date. */
    importRow: (actor: CrmActor, input: CreateClientInput) =>
      save(actor, input, { updateExisting: true, source: 'import' }),

    update: (actor: CrmActor, id: number, input: UpdateClientInput) =>
      inTransaction(db, async (tx) => {
        if (!(await clientsRepo.lock(tx.trx, actor.accountId, id))) throw notFound('Cliente');
        return (await changeProfile(tx, actor, await load(tx, actor.accountId, id), input)).client;
      }),

    /** Removes the client profile (the contact and its conversations stay). Clients with events keep them: 409. */
    remove: (actor: CrmActor, id: number) =>
      inTransaction(db, async (tx) => {
        if (!(await clientsRepo.lock(tx.trx, actor.accountId, id))) throw notFound('Cliente');
        const before = await load(tx, actor.accountId, id);
        if (await clientsRepo.hasEvents(tx.trx, actor.accountId, id)) {
          throw new AppError(
            'conflict',
            `${before.name} tem eventos agendados ou no histórico; cancele-os em vez de excluir o cliente.`,
          );
        }
        await clientsRepo.delete(tx.trx, actor.accountId, id);
        await record(tx, actor, 'client.deleted', id, { before: audited(before), contact_id: before.contact_id });
      }),

    /** Every client, oldest first, in batches (for the CSV export). */
    async *all(accountId: number): AsyncGenerator<ClientView> {
      let afterId = 0;
      for (;;) {
        const rows = await clientsRepo.batch(db, accountId, afterId, 500);
        for (const row of rows) yield serializeClient(row);
        if (rows.length < 500) return;
        afterId = rows[rows.length - 1]?.id ?? afterId;
      }
    },
  };
}

export type ClientsService = ReturnType<typeof createClientsService>;
