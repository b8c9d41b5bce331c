import type { BusinessEvent, BusinessEventListener } from '../../automation/business-events.js';
import type { Db } from '../../db/client.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import { messagesRepo } from '../../inbox/messages.repo.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { Clock } from '../../shared/clock.js';
import type { Notifier } from '../notifier.js';
import { consentsRepo } from './consents.repo.js';
import { CONSENT_PURPOSES } from './consents.service.js';
import { type KeywordDecision, keywordDecision } from './opt-out-keywords.js';

const CONFIRMATION = {
  opted_out: 'Pronto, você não receberá mais mensagens automáticas. Para voltar, envie VOLTAR.',
  opted_in: 'Pronto! Você voltará a receber nossas mensagens. Para sair, envie SAIR.',
} as const;

const NOTE = {
  opted_out: (keyword: string) => `Contato pediu para não receber mensagens automáticas (${keyword})`,
  opted_in: (keyword: string) => `Contato pediu para voltar a receber mensagens automáticas (${keyword})`,
} as const;

/** Meta's "this person stopped marketing messages from your business" (Cloud API error 131050). */
const META_MARKETING_STOPPED = '131050';

const idOf = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null);

/**
 * How people withdraw and give consent on their own: SAIR/PARAR/… and VOLTAR written on WhatsApp, and
 * Meta refusing a marketing message because the person stopped them in the app.
 */
export function createConsentListeners(deps: { db: Db; clock: Clock; events: EventBus; notifier: Notifier }) {
  const { db } = deps;

  /** Both purposes follow the keyword; the person gets one confirmation and the attendants a note. */
  async function applyKeyword(tx: TxContext, event: BusinessEvent, decision: KeywordDecision) {
    const contactId = idOf(event.data.contact_id);
    const messageId = idOf(event.data.message_id);
    const conversationId = idOf(event.data.conversation_id);
    if (!contactId || !messageId) return false;
    let changed = false;
    for (const purpose of CONSENT_PURPOSES) {
      const updated = await consentsRepo.set(tx.trx, {
        accountId: event.accountId,
        contactId,
        purpose,
        status: decision.status,
        source: 'keyword',
        details: { keyword: decision.keyword, message_id: messageId },
        at: new Date(event.at),
      });
      changed ||= updated;
    }
    // Saying SAIR twice (or this job running again) changes nothing and sends nothing.
    if (!changed) return false;
    await deps.notifier.schedule(tx, event.accountId, {
      key: `consent:${messageId}`,
      kind: 'consent',
      contactId,
      dueAt: deps.clock.now(),
      // The confirmation must reach someone who has just opted out.
      essential: true,
      content: { text: CONFIRMATION[decision.status] },
    });
    if (conversationId)
      await noteInConversation(tx, event.accountId, conversationId, NOTE[decision.status](decision.keyword));
    return true;
  }

  async function noteInConversation(tx: TxContext, accountId: number, conversationId: number, content: string) {
    const conversation = await tx.trx
      .selectFrom('conversations')
      .select(['id', 'account_id', 'inbox_id', 'display_id'])
      .where('account_id', '=', accountId)
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!conversation) return;
    const note = await messagesRepo.insertActivity(tx.trx, conversation, content, deps.clock.now());
    if (!note) return;
    tx.afterCommit(() =>
      deps.events.publish({
        accountId,
        inboxId: conversation.inbox_id,
        name: 'message.created',
        data: { id: note.id, conversation_id: conversation.id, display_id: conversation.display_id },
      }),
    );
  }

  const keywords: BusinessEventListener = {
    id: 'consents.keywords',
    wants: (event) =>
      event.name === 'message.incoming' &&
      event.data.content_type === 'text' &&
      keywordDecision(event.data.content) !== null,
    async handle(event, context) {
      const decision = keywordDecision(event.data.content);
      if (!decision) return;
      const applied = await inTransaction(db, (tx) => applyKeyword(tx, event, decision));
      context.logger.info(
        { contactId: event.data.contact_id, keyword: decision.keyword, applied },
        'Consent keyword received',
      );
    },
  };

  const metaMarketingStopped: BusinessEventListener = {
    id: 'consents.whatsapp_131050',
    wants: (event) => event.name === 'message.failed' && String(event.data.error_code) === META_MARKETING_STOPPED,
    async handle(event) {
      const contactId = idOf(event.data.contact_id);
      if (!contactId) return;
      await consentsRepo.set(db, {
        accountId: event.accountId,
        contactId,
        purpose: 'marketing',
        status: 'opted_out',
        source: 'whatsapp_131050',
        details: { message_id: event.data.message_id ?? null, notification_id: event.data.notification_id ?? null },
        at: new Date(event.at),
      });
    },
  };

  return [keywords, metaMarketingStopped];
}
