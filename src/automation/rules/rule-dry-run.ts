import type { Db } from '../../db/client.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, notFound } from '../../shared/errors.js';
import { automationRulesRepo } from './automation-rules.repo.js';
import { evaluateRule } from './engine/rule-engine.js';
import { loadSubject, type RuleSubject, subjectContext } from './engine/rule-subject.js';
import { AUTOMATION_EVENTS, type AutomationEvent, isConversationEvent } from './rule-catalog.js';
import type { RuleAction } from './rule-schemas.js';

export interface DryRunInput {
  message_id?: number | undefined;
  /** The conversation's display id, as in Chatwoot's URLs. */
  conversation_id?: number | undefined;
  event_id?: number | undefined;
  event_name?: string | undefined;
}

const unprocessable = (field: string, message: string) => new AppError('unprocessable', message, [{ field, message }]);

/** The events a real change to this subject would fire, when the caller does not name one. */
function defaultEvents(input: DryRunInput, subject: RuleSubject): AutomationEvent[] {
  if (input.message_id) return ['message_created'];
  if (input.event_id) return ['event_created', 'event_updated'];
  const status = subject.conversation?.status;
  return [
    'conversation_updated',
    ...(status === 'open' ? (['conversation_opened'] as const) : []),
    ...(status === 'resolved' ? (['conversation_resolved'] as const) : []),
  ];
}

async function subjectFor(db: Db, accountId: number, input: DryRunInput, eventName: string | undefined) {
  if (input.message_id) {
    return loadSubject(db, { accountId, name: 'message.incoming', data: { message_id: input.message_id } });
  }
  if (input.event_id) return loadSubject(db, { accountId, name: 'event.updated', data: { id: input.event_id } });
  const conversation = await db
    .selectFrom('conversations')
    .select('id')
    .where('account_id', '=', accountId)
    .where('display_id', '=', input.conversation_id ?? 0)
    .executeTakeFirst();
  if (!conversation) return null;
  // message_created on a conversation: as if its latest incoming message had just arrived.
  if (eventName === 'message_created') {
    const message = await db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversation.id)
      .where('message_type', '=', 0)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!message)
      throw unprocessable('event_name', 'A conversa não tem mensagem recebida para simular message_created.');
    return loadSubject(db, { accountId, name: 'message.incoming', data: { message_id: message.id } });
  }
  return loadSubject(db, { accountId, name: 'conversation.updated', data: { conversation_id: conversation.id } });
}

/**
 * Which active rules would fire for a message, conversation or event, which of their conditions
 * matched (and what they saw), and which actions would run — reading only, acting on nothing.
 */
export async function dryRunRules(deps: { db: Db; clock: Clock }, accountId: number, input: DryRunInput) {
  const given = [input.message_id, input.conversation_id, input.event_id].filter((value) => value !== undefined);
  if (given.length !== 1) {
    throw unprocessable('message_id', 'Informe um (e só um) de message_id, conversation_id ou event_id.');
  }
  const eventName = input.event_name;
  if (eventName !== undefined && !(AUTOMATION_EVENTS as readonly string[]).includes(eventName)) {
    throw unprocessable('event_name', `Evento desconhecido; use: ${AUTOMATION_EVENTS.join(', ')}.`);
  }
  if (eventName && input.event_id === undefined && !isConversationEvent(eventName)) {
    throw unprocessable('event_name', `${eventName} é um evento de agenda: simule com event_id.`);
  }
  if (eventName && input.event_id !== undefined && !['event_created', 'event_updated'].includes(eventName)) {
    throw unprocessable('event_name', 'Com event_id, simule event_created ou event_updated.');
  }
  const subject = await subjectFor(deps.db, accountId, input, eventName);
  if (!subject) throw notFound(input.message_id ? 'Mensagem' : input.event_id ? 'Evento' : 'Conversa');
  const eventNames = eventName ? [eventName as AutomationEvent] : defaultEvents(input, subject);
  const rules = await automationRulesRepo.activeFor(deps.db, accountId, eventNames);
  const now = deps.clock.now();
  const payload = rules.map((rule) => {
    const evaluation = evaluateRule(rule, subject, now);
    return {
      rule_id: rule.id,
      name: rule.name,
      event_name: rule.event_name,
      would_fire: evaluation.matched,
      conditions: evaluation.results,
      actions: rule.actions as RuleAction[],
    };
  });
  return {
    meta: {
      event_names: eventNames,
      context: subjectContext(subject),
      count: payload.length,
      firing: payload.filter((rule) => rule.would_fire).length,
    },
    payload,
  };
}
