import { sql } from 'kysely';
import { formatLocalDateTime } from '../../crm/events/event-time.js';
import { inTransaction } from '../../db/transaction.js';
import { noteForAttendants } from '../attendant-note.js';
import type { DispatchDeps } from '../dispatch-deps.js';
import { dispatchesRepo } from '../dispatches.repo.js';
import { OFFER_REPLIES } from '../offer-message.js';
import { offerReplyKey, replyToProvider } from '../offers.js';
import { OFFER_PAYLOAD_PREFIX, parseOfferPayload } from './offer-payload.js';
import { answerOffer, type ReplyResult } from './offer-responses.js';
import { classifyOfferReply } from './reply-words.js';

// Answers to offers are short; longer texts are conversations for attendants, not worth a job each.
const SHORT_TEXT = 100;

export type IncomingReply = { kind: 'payload'; payload: string } | { kind: 'text'; text: string };

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/**
 * What in a message.incoming could answer an offer: a reply button or template quick reply whose
 * id/payload is an offer's, or a short text (the handler checks the sender has an open offer).
 * Synchronous and cheap: it decides whether the listener gets a job at all.
 */
export function incomingReplyOf(data: Record<string, unknown>): IncomingReply | null {
  const attributes = record(data.content_attributes);
  if (data.content_type === 'interactive_reply') {
    const id = record(attributes.interactive).id;
    return typeof id === 'string' && id.startsWith(OFFER_PAYLOAD_PREFIX) ? { kind: 'payload', payload: id } : null;
  }
  if (data.content_type === 'button_reply') {
    const payload = record(attributes.button).payload;
    return typeof payload === 'string' && payload.startsWith(OFFER_PAYLOAD_PREFIX)
      ? { kind: 'payload', payload }
      : null;
  }
  // Captions of media are text too; only a plain text message can be a typed answer.
  const plainText = data.content_type === 'text' && (data.whatsapp_type ?? 'text') === 'text';
  if (plainText && typeof data.content === 'string') {
    const text = data.content.trim();
    return text.length > 0 && text.length <= SHORT_TEXT ? { kind: 'text', text } : null;
  }
  return null;
}

export const NOT_UNDERSTOOD_NOTE = 'Resposta à oferta não entendida — responda ao prestador.';

/** Handles one incoming message that may answer an offer; 'ignored' when it was not about one. */
export async function handleIncomingReply(
  deps: DispatchDeps,
  accountId: number,
  data: Record<string, unknown>,
): Promise<ReplyResult | 'not_understood' | 'ignored'> {
  const reply = incomingReplyOf(data);
  const contactId = Number(data.contact_id);
  const messageId = Number(data.message_id);
  if (!reply || !Number.isInteger(contactId) || !Number.isInteger(messageId)) return 'ignored';

  if (reply.kind === 'payload') {
    const answer = parseOfferPayload(reply.payload);
    if (answer) {
      return answerOffer(deps, { accountId, contactId, messageId, source: 'button', ...answer });
    }
    await inTransaction(deps.db, (tx) =>
      replyToProvider(deps, tx, accountId, {
        key: offerReplyKey('invalid', `rejected:${messageId}`),
        contactId,
        text: OFFER_REPLIES.unavailable,
      }),
    );
    return 'rejected';
  }

  const open = await dispatchesRepo.openOffersOfContact(deps.db, accountId, contactId);
  if (open.length === 0) return 'ignored';
  const intent = classifyOfferReply(reply.text);
  const [only] = open;
  if (intent && open.length === 1 && only?.offer_token) {
    return answerOffer(deps, {
      accountId,
      contactId,
      messageId,
      source: 'text',
      assignmentId: only.id,
      token: only.offer_token,
      outcome: intent,
    });
  }
  // Ambiguous, or several offers open: a person decides. One note per message, even if the job reruns.
  const conversationId = Number(data.conversation_id);
  await inTransaction(deps.db, async (tx) => {
    const already = await tx.trx
      .selectFrom('messages')
      .select('id')
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('private', '=', true)
      .where(sql<boolean>`content_attributes->>'offer_reply_to' = ${String(messageId)}`)
      .executeTakeFirst();
    if (already) return;
    const offers = open
      .map(
        (offer) =>
          `• ${offer.service} em "${offer.title}" (${formatLocalDateTime(offer.starts_at, deps.timeZone)}), oferta #${offer.id}`,
      )
      .join('\n');
    await noteForAttendants(
      deps,
      tx,
      { accountId, conversationId, contactId },
      `${NOT_UNDERSTOOD_NOTE}\nOfertas em aberto:\n${offers}`,
      deps.clock.now(),
      { offer_reply_to: String(messageId) },
    );
  });
  return 'not_understood';
}
