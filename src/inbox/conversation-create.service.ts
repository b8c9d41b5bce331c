import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { Conversation, ConversationStatus } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import { normalizePhone } from '../shared/phone.js';
import { autoAssign } from './auto-assignment.js';
import { contactsRepo } from './contacts.repo.js';
import { conversationsRepo } from './conversations.repo.js';
import { type InboxScope, inScope } from './inbox-access.js';

export interface NewConversationInput {
  inboxId: number;
  /** The contact inbox's source id (the wa_id), or the contact: one of the two is required. */
  sourceId?: string | undefined;
  contactId?: number | undefined;
  status?: Extract<ConversationStatus, 'open' | 'pending'> | undefined;
  assigneeId?: number | undefined;
  teamId?: number | undefined;
  customAttributes?: Record<string, unknown> | undefined;
  additionalAttributes?: Record<string, unknown> | undefined;
}

const unprocessable = (field: string, message: string) => new AppError('unprocessable', message, [{ field, message }]);

/**
 * Starts a conversation from Santana's side (Chatwoot's POST /conversations), typically to send a
 * template to someone who has not written. A contact keeps one active conversation per inbox, so an
 * existing one is returned instead of a second being opened.
 */
export function createConversationCreator(deps: { db: Db; events: EventBus; clock: Clock }) {
  return {
    async create(
      actor: { accountId: number; userId: number },
      scope: InboxScope,
      input: NewConversationInput,
    ): Promise<{ conversation: Conversation; created: boolean }> {
      const result = await inTransaction(deps.db, async (tx) => {
        const inbox = await tx.trx
          .selectFrom('inboxes')
          .selectAll()
          .where('account_id', '=', actor.accountId)
          .where('id', '=', input.inboxId)
          .executeTakeFirst();
        if (!inbox || !inScope(scope, inbox.id)) throw notFound('Caixa de entrada');

        let contactInbox = input.sourceId
          ? await contactsRepo.findContactInbox(tx.trx, inbox.id, input.sourceId)
          : undefined;
        if (input.sourceId && (!contactInbox || contactInbox.account_id !== actor.accountId)) {
          throw unprocessable('source_id', 'Nenhum contato desta caixa de entrada tem este source_id.');
        }
        const contactId = contactInbox?.contact_id ?? input.contactId;
        if (!contactId) throw unprocessable('contact_id', 'Informe contact_id ou source_id.');
        const contact = await contactsRepo.find(tx.trx, actor.accountId, contactId);
        if (!contact) throw unprocessable('contact_id', 'Contato não encontrado nesta conta.');
        if (input.contactId && contact.id !== input.contactId) {
          throw unprocessable('source_id', 'O source_id pertence a outro contato.');
        }
        if (!contactInbox) {
          contactInbox = await contactsRepo.findContactInboxOf(tx.trx, inbox.id, contact.id);
        }
        if (!contactInbox) {
          // WhatsApp addresses a contact by number: the contact inbox's source id is its digits.
          const phone = contact.phone_number ? normalizePhone(contact.phone_number) : null;
          if (!phone) {
            throw unprocessable('contact_id', 'O contato não tem um telefone válido para conversar pelo WhatsApp.');
          }
          contactInbox = await contactsRepo.ensureContactInbox(tx.trx, {
            accountId: actor.accountId,
            contactId: contact.id,
            inboxId: inbox.id,
            sourceId: phone.e164.slice(1),
          });
        }

        const active = await tx.trx
          .selectFrom('conversations')
          .selectAll()
          .where('inbox_id', '=', inbox.id)
          .where('contact_id', '=', contact.id)
          .where('status', '<>', 'resolved')
          .executeTakeFirst();
        if (active) return { conversation: active, created: false };

        if (input.assigneeId !== undefined) await assertMember(tx.trx, actor.accountId, input.assigneeId);
        if (input.teamId !== undefined) {
          const team = await tx.trx
            .selectFrom('teams')
            .select('id')
            .where('account_id', '=', actor.accountId)
            .where('id', '=', input.teamId)
            .executeTakeFirst();
          if (!team) throw unprocessable('team_id', 'Este time não existe nesta conta.');
        }
        const now = deps.clock.now();
        const displayId = await conversationsRepo.nextDisplayId(tx.trx, actor.accountId);
        const inserted = await conversationsRepo.insert(tx.trx, {
          accountId: actor.accountId,
          displayId,
          inboxId: inbox.id,
          contactId: contact.id,
          contactInboxId: contactInbox.id,
          at: now,
        });
        if (!inserted) throw new AppError('conflict', 'Outra conversa com este contato acabou de ser aberta.');
        const conversation = await tx.trx
          .updateTable('conversations')
          .set({
            status: input.status ?? 'open',
            assignee_id: input.assigneeId ?? null,
            team_id: input.teamId ?? null,
            custom_attributes: JSON.stringify(input.customAttributes ?? {}),
            additional_attributes: JSON.stringify(input.additionalAttributes ?? {}),
            updated_at: sql`now()`,
          })
          .where('id', '=', inserted.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const assigned = await autoAssign(tx, inbox, conversation, deps.clock);
        tx.afterCommit(() =>
          deps.events.publish({
            accountId: actor.accountId,
            inboxId: inbox.id,
            name: 'conversation.created',
            data: { id: assigned.id, display_id: assigned.display_id },
          }),
        );
        return { conversation: assigned, created: true };
      });
      return result;
    },

    /** Undoes a conversation created for a first message that was then refused (e.g. an invalid template). */
    async discard(accountId: number, conversationId: number): Promise<void> {
      await deps.db
        .deleteFrom('conversations')
        .where('account_id', '=', accountId)
        .where('id', '=', conversationId)
        .execute();
    },
  };
}

async function assertMember(db: Parameters<typeof contactsRepo.find>[0], accountId: number, userId: number) {
  const member = await db
    .selectFrom('account_users')
    .select('user_id')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!member) throw unprocessable('assignee_id', 'Este agente não faz parte da conta.');
}

export type ConversationCreator = ReturnType<typeof createConversationCreator>;
