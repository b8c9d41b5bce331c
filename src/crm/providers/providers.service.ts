import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { ImportOutcome } from '../csv-upload.js';
import { linkPersonContact, personFields, updatePersonContact } from '../person-contact.js';
import type { CrmActor } from '../pipeline/actor.js';
import { CRM_PER_PAGE } from '../pipeline/crm-schemas.js';
import { changedFields } from '../pipeline/references.js';
import { resolveServiceTypes } from '../service-types/service-types.service.js';
import {
  type CreateProviderInput,
  type ProviderListQuery,
  type ProviderView,
  serializeDetail,
  serializeProvider,
  type UpdateProviderInput,
} from './provider-schemas.js';
import { type ProviderRow, providersRepo } from './providers.repo.js';

const AUDITED = [
  'name',
  'phone_number',
  'email',
  'document',
  'document_kind',
  'services',
  'regions',
  'active',
  'notes',
] as const;
type Audited = Record<(typeof AUDITED)[number], unknown>;
const audited = (view: ProviderView): Audited => ({
  ...(Object.fromEntries(AUDITED.map((key) => [key, view[key]])) as Audited),
  services: view.services.map((service) => service.name),
});

/** Regions as typed, trimmed, each once (ignoring case). */
function distinctRegions(regions: string[]): string[] {
  const seen = new Map<string, string>();
  for (const region of regions) if (!seen.has(region.toLowerCase())) seen.set(region.toLowerCase(), region);
  return [...seen.values()];
}

/** Providers (prestadores): a profile on a contact with the services they do, where, and whether they take work. */
export function createProvidersService(deps: { db: Db; audit: AuditRepo; events: EventBus; clock: Clock }) {
  const { db } = deps;

  async function load(tx: TxContext | null, accountId: number, id: number): Promise<ProviderView> {
    const executor = tx?.trx ?? db;
    const row = await providersRepo.find(executor, accountId, id);
    if (!row) throw notFound('Prestador');
    const services = await providersRepo.servicesOf(executor, accountId, [id]);
    return serializeProvider(row, services.get(id) ?? []);
  }

  function record(
    tx: TxContext,
    actor: CrmActor,
    action: string,
    view: Pick<ProviderView, 'id' | 'contact_id'>,
    details: Record<string, unknown>,
  ) {
    tx.afterCommit(() =>
      deps.events.publish({
        accountId: actor.accountId,
        name: action,
        data: { id: view.id, contact_id: view.contact_id },
      }),
    );
    return deps.audit.record(
      {
        action,
        accountId: actor.accountId,
        actorUserId: actor.userId,
        ip: actor.ip,
        targetType: 'provider',
        targetId: view.id,
        details: { ...details, contact_id: view.contact_id },
      },
      tx.trx,
    );
  }

  async function changeProfile(tx: TxContext, actor: CrmActor, before: ProviderView, input: UpdateProviderInput) {
    const { accountId } = actor;
    const services = input.services ? await resolveServiceTypes(tx.trx, accountId, input.services) : undefined;
    await updatePersonContact(tx, deps.events, accountId, before.contact_id, input);
    if (services)
      await providersRepo.setServices(
        tx.trx,
        accountId,
        before.id,
        services.map((service) => service.id),
      );
    await providersRepo.update(tx.trx, accountId, before.id, {
      regions: input.regions ? distinctRegions(input.regions) : undefined,
      active: input.active,
      notes: input.notes,
    });
    const after = await load(tx, accountId, before.id);
    const changes = changedFields(audited(before), audited(after), AUDITED);
    if (changes) await record(tx, actor, 'provider.updated', after, changes);
    return { provider: after, changed: changes !== null };
  }

  async function save(
    actor: CrmActor,
    input: CreateProviderInput,
    options: { updateExisting: boolean; source: string },
  ) {
    return inTransaction(db, async (tx): Promise<{ provider: ProviderView; outcome: ImportOutcome }> => {
      const { accountId } = actor;
      const services = await resolveServiceTypes(tx.trx, accountId, input.services ?? []);
      const { contact, before } = await linkPersonContact(tx, deps.events, accountId, input);
      // The contact's locks (its phone, e-mail, document) are held: nobody else adds a profile to it now.
      const existing = await providersRepo.findByContact(tx.trx, accountId, contact.id);
      if (existing) {
        if (!options.updateExisting) {
          throw new AppError('conflict', `${contact.name} já é prestador (prestador #${existing.id}).`, [
            {
              field: 'contact_id',
              message: 'esta pessoa já é prestador',
              provider_id: existing.id,
              contact_id: contact.id,
            },
          ]);
        }
        await providersRepo.lock(tx.trx, accountId, existing.id);
        const current = await load(tx, accountId, existing.id);
        // Compare with the person as they were before this row changed them.
        const previous = { ...current, ...(before ? personFields(before) : {}) };
        const { provider, changed } = await changeProfile(tx, actor, previous, {
          services: input.services,
          regions: input.regions,
          active: input.active,
          notes: input.notes,
        });
        return { provider, outcome: changed ? 'updated' : 'unchanged' };
      }
      const inserted = await providersRepo.insert(tx.trx, {
        accountId,
        contactId: contact.id,
        regions: distinctRegions(input.regions ?? []),
        active: input.active ?? true,
        notes: input.notes ?? '',
      });
      if (!inserted)
        throw new AppError('conflict', 'Esta pessoa acabou de virar prestador por outra requisição. Tente de novo.');
      await providersRepo.setServices(
        tx.trx,
        accountId,
        inserted.id,
        services.map((service) => service.id),
      );
      const provider = await load(tx, accountId, inserted.id);
      await record(tx, actor, 'provider.created', provider, {
        after: audited(provider),
        linked_existing_contact: before !== null,
        source: options.source,
      });
      return { provider, outcome: 'created' };
    });
  }

  async function views(accountId: number, rows: ProviderRow[]) {
    const services = await providersRepo.servicesOf(
      db,
      accountId,
      rows.map((row) => row.id),
    );
    return rows.map((row) => serializeProvider(row, services.get(row.id) ?? []));
  }

  return {
    async page(accountId: number, query: ProviderListQuery) {
      const service = query.service
        ? (await resolveServiceTypes(db, accountId, [query.service], 'service'))[0]
        : undefined;
      const { count, rows } = await providersRepo.page(
        db,
        accountId,
        {
          serviceTypeId: service?.id,
          region: query.region,
          active: query.active,
          availableBetween:
            query.available_from && query.available_to
              ? { from: query.available_from, to: query.available_to }
              : undefined,
          q: query.q || undefined,
          contactId: query.contact_id,
        },
        { page: query.page, perPage: CRM_PER_PAGE },
      );
      return { count, providers: await views(accountId, rows) };
    },

    /** The provider with upcoming assignments and how past invitations went. */
    async show(accountId: number, id: number) {
      const view = await load(null, accountId, id);
      const [upcoming, counts] = await Promise.all([
        providersRepo.upcomingAssignments(db, accountId, id, deps.clock.now()),
        providersRepo.assignmentCounts(db, accountId, id),
      ]);
      return serializeDetail(view, upcoming, counts);
    },

    create: async (actor: CrmActor, input: CreateProviderInput) =>
      (await save(actor, input, { updateExisting: false, source: 'api' })).provider,

    /** One import row: a new provider, or the existing provider of that person brought up to date. */
    importRow: (actor: CrmActor, input: CreateProviderInput) =>
      save(actor, input, { updateExisting: true, source: 'import' }),

    update: (actor: CrmActor, id: number, input: UpdateProviderInput) =>
      inTransaction(db, async (tx) => {
        if (!(await providersRepo.lock(tx.trx, actor.accountId, id))) throw notFound('Prestador');
        return (await changeProfile(tx, actor, await load(tx, actor.accountId, id), input)).provider;
      }),

    /** Only a provider who was never on an event can be deleted; the others are deactivated (active: false). */
    remove: (actor: CrmActor, id: number) =>
      inTransaction(db, async (tx) => {
        if (!(await providersRepo.lock(tx.trx, actor.accountId, id))) throw notFound('Prestador');
        const before = await load(tx, actor.accountId, id);
        if (await providersRepo.hasAssignments(tx.trx, actor.accountId, id)) {
          throw new AppError(
            'conflict',
            `${before.name} já participou de escalas; desative o prestador (active: false) para manter o histórico.`,
          );
        }
        await providersRepo.delete(tx.trx, actor.accountId, id);
        await record(tx, actor, 'provider.deleted', before, { before: audited(before) });
      }),

    /** Every provider, oldest first, in batches (for the CSV export). */
    async *all(accountId: number): AsyncGenerator<ProviderView> {
      let afterId = 0;
      for (;;) {
        const rows = await providersRepo.batch(db, accountId, afterId, 500);
        yield* await views(accountId, rows);
        if (rows.length < 500) return;
        afterId = rows[rows.length - 1]?.id ?? afterId;
      }
    },
  };
}

export type ProvidersService = ReturnType<typeof createProvidersService>;
