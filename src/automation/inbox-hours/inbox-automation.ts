import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Conversation, Inbox } from '../../db/schema.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import type { ConversationActions } from '../../inbox/conversation-actions.service.js';
import { messagesRepo } from '../../inbox/messages.repo.js';
import { replyWindow } from '../../inbox/window.js';
import type { JobContext } from '../../jobs/job-definition.js';
import type { JobSystem } from '../../jobs/job-system.js';
import { keywordDecision } from '../../notify/consents/opt-out-keywords.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { BusinessEvent, BusinessEventListener } from '../business-events.js';
import type { MenuOption, MenuState } from './greeting-menu.js';
import { storedMenu } from './inbox-settings.js';
import {
  type ConversationMarks,
  greetingReply,
  type IncomingMessage,
  menuAnswer,
  outOfOfficeReply,
} from './replies.js';
import { createInboxSettingsCache } from './settings-cache.js';
import { queueSystemReplies, type SystemReply } from './system-messages.js';

const IncomingSchema = z.object({
  message_id: z.number().int().positive(),
  conversation_id: z.number().int().positive(),
  conversation_created: z.boolean().default(false),
  inbox_id: z.number().int().positive(),
  content: z.string().nullable().default(null),
  content_type: z.string().default('text'),
  whatsapp_type: z.string().nullable().default(null),
  content_attributes: z.record(z.string(), z.unknown()).default({}),
});

/** Who routes the conversation in its activity lines ("Conversa atribuída ao time X por …"). */
const MENU_ACTOR_NAME = 'Menu de saudação';

const usesAutomation = (inbox: Pick<Inbox, 'working_hours_enabled' | 'greeting_enabled'>) =>
  inbox.working_hours_enabled || inbox.greeting_enabled;

/**
 * Business hours and the greeting menu, as a reaction to each incoming WhatsApp message: the
 * out-of-office reply (once per conversation for each closed period), the greeting with its menu on a
 * new conversation, and the routing the contact's answer asks for. Marks in the conversation's
 * additional_attributes are written with the replies in one transaction, under the conversation's
 * row lock, so a retried or concurrent job never replies twice.
 */
export function createInboxAutomation(deps: {
  db: Db;
  jobs: JobSystem;
  events: EventBus;
  clock: Clock;
  conversationActions: ConversationActions;
  /** APP_TIMEZONE, for inboxes without their own. */
  timeZone: string;
  cacheTtlMs?: number;
}) {
  const { db } = deps;
  const cache = createInboxSettingsCache({
    ttlMs: deps.cacheTtlMs,
    load: async (inboxId) => {
      const inbox = await db
        .selectFrom('inboxes')
        .select(['working_hours_enabled', 'greeting_enabled'])
        .where('id', '=', inboxId)
        .executeTakeFirst();
      return inbox ? usesAutomation(inbox) : false;
    },
  });

  async function attendantRepliedSince(tx: TxContext, conversationId: number, messageId: number | undefined) {
    if (messageId === undefined) return false;
    const reply = await tx.trx
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversationId)
      .where('id', '>', messageId)
      .where('sender_type', '=', 'user')
      .where('private', '=', false)
      .where('message_type', 'in', [1, 3])
      .limit(1)
      .executeTakeFirst();
    return reply !== undefined;
  }

  /** Decides and queues the replies; returns the menu option whose routing is to be applied. */
  async function reply(accountId: number, inbox: Inbox, message: IncomingMessage & { conversation_id: number }) {
    const now = deps.clock.now();
    const timeZone = inbox.timezone ?? deps.timeZone;
    return inTransaction(db, async (tx) => {
      const conversation = await tx.trx
        .selectFrom('conversations')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', message.conversation_id)
        .forUpdate()
        .executeTakeFirst();
      if (!conversation || !replyWindow(conversation.last_incoming_at, now).canReply) return null;
      const marks = conversation.additional_attributes as ConversationMarks;
      const state = marks.greeting_menu;
      // A retried job whose replies already went out still owes the routing.
      if (state?.status === 'answered' && state.answered_message_id === message.message_id) {
        return { conversation, key: state.key };
      }

      const replies: SystemReply[] = [];
      const changes: ConversationMarks = {};
      let menuState: MenuState | undefined;
      let menuReplyIndex: number | null = null;
      let routed: string | undefined;

      const menu = menuAnswer(
        inbox,
        state,
        message,
        await attendantRepliedSince(tx, conversation.id, state?.message_id),
      );
      if (menu.kind === 'answered') {
        menuState = menu.state;
        routed = menu.option.key;
        if (menu.reply) replies.push(menu.reply);
        await messagesRepo.insertActivity(tx.trx, conversation, activityFor(menu.option), now);
      } else if (menu.kind === 'repeat') {
        menuState = menu.state;
        menuReplyIndex = replies.push(menu.reply) - 1;
      } else if (menu.kind === 'handed_off') {
        menuState = menu.state;
        if (menu.note) await messagesRepo.insertActivity(tx.trx, conversation, menu.note, now);
      }

      const outOfOffice = outOfOfficeReply(inbox, marks, message, now, timeZone);
      if (outOfOffice) {
        replies.push(outOfOffice.reply);
        Object.assign(changes, outOfOffice.marks);
      }

      const greeting = message.conversation_created ? greetingReply(inbox, marks) : null;
      if (greeting) {
        menuState = greeting.state;
        menuReplyIndex = replies.push(greeting.reply) - 1;
      }

      const sent = await queueSystemReplies(tx, deps, conversation, replies, now);
      if (menuState) {
        const menuMessage = menuReplyIndex === null ? undefined : sent[menuReplyIndex];
        changes.greeting_menu = menuMessage ? { ...menuState, message_id: menuMessage.id } : menuState;
      }
      if (Object.keys(changes).length > 0) await mark(tx, conversation, changes);
      return routed === undefined ? null : { conversation, key: routed };
    });
  }

  /** Team and labels of the chosen option, through the same actions attendants use (each a no-op if already so). */
  async function route(inbox: Inbox, conversation: Conversation, option: MenuOption, context: JobContext) {
    const actor = { accountId: conversation.account_id, userId: 0, name: MENU_ACTOR_NAME };
    try {
      if (option.team_id) await deps.conversationActions.assignTeam(actor, conversation.display_id, option.team_id);
      const labels = option.labels ?? [];
      if (labels.length > 0) {
        const current = await db
          .selectFrom('conversations')
          .select('labels')
          .where('id', '=', conversation.id)
          .executeTakeFirstOrThrow();
        const merged = [...new Set([...current.labels, ...labels])];
        if (merged.length > current.labels.length) {
          await deps.conversationActions.setLabels(actor, conversation.display_id, merged);
        }
      }
    } catch (error) {
      // A team deleted since the menu was saved: the conversation stays where it is, for attendants.
      if (!(error instanceof AppError)) throw error;
      context.logger.warn(
        { inboxId: inbox.id, conversationId: conversation.id, option: option.key, reason: error.message },
        'Greeting menu routing skipped',
      );
    }
  }

  const listener: BusinessEventListener = {
    id: 'inbox_hours.incoming',
    wants: (event) => event.name === 'message.incoming' && cache.mayAutomate(Number(event.data.inbox_id)),
    async handle(event: BusinessEvent, context: JobContext) {
      const parsed = IncomingSchema.safeParse(event.data);
      if (!parsed.success) return;
      const message = parsed.data;
      // SAIR / VOLTAR get their own confirmation (consents); a greeting or "não entendi" on top would be noise.
      if (keywordDecision(message.content)) return;
      const inbox = await db
        .selectFrom('inboxes')
        .selectAll()
        .where('account_id', '=', event.accountId)
        .where('id', '=', message.inbox_id)
        .executeTakeFirst();
      if (!inbox) return;
      cache.remember(inbox.id, usesAutomation(inbox));
      if (!usesAutomation(inbox)) return;
      const routing = await reply(event.accountId, inbox, message);
      const option = routing && storedMenu(inbox.greeting_menu).find((candidate) => candidate.key === routing.key);
      if (routing && option) await route(inbox, routing.conversation, option, context);
    },
  };

  return {
    listener,
    /** Drops what this process remembers of an inbox's settings (they just changed). */
    forget: (inboxId: number) => cache.forget(inboxId),
  };
}

const activityFor = (option: MenuOption) => `Menu de saudação: o contato escolheu ${option.key} - ${option.title}`;

async function mark(tx: TxContext, conversation: Conversation, changes: ConversationMarks) {
  await tx.trx
    .updateTable('conversations')
    .set({ additional_attributes: sql`additional_attributes || ${JSON.stringify(changes)}::jsonb` })
    .where('id', '=', conversation.id)
    .execute();
}

export type InboxAutomation = ReturnType<typeof createInboxAutomation>;
