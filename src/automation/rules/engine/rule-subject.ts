import type { Kysely, Selectable } from 'kysely';
import type {
  AssignmentsTable,
  Contact,
  Conversation,
  Database,
  EventsTable,
  Message,
  MessageType,
} from '../../../db/schema.js';
import type { BusinessEvent } from '../../business-events.js';
import type { AttributeValue, Condition } from './conditions.js';

type Executor = Kysely<Database>;
type EventRow = Selectable<EventsTable>;
type AssignmentRow = Selectable<AssignmentsTable>;

/**
 * What a rule looks at and acts on, loaded fresh when the rule runs: the conversation (and message)
 * for Chatwoot's events; the CRM event, assignment or notification for Santana's, with the person's
 * latest conversation so conversation actions still have somewhere to act.
 */
export interface RuleSubject {
  accountId: number;
  /** The business event's name, e.g. message.incoming (Santana's events read their data from it). */
  source: string;
  data: Record<string, unknown>;
  conversation: Conversation | null;
  message: Message | null;
  contact: Contact | null;
  event: EventRow | null;
  assignment: AssignmentRow | null;
}

const MESSAGE_TYPES: Record<MessageType, string> = { 0: 'incoming', 1: 'outgoing', 2: 'activity', 3: 'outgoing' };

const idIn = (data: Record<string, unknown>, ...keys: string[]): number | null => {
  for (const key of keys) {
    const value = data[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return null;
};

async function conversationById(db: Executor, accountId: number, id: number | null) {
  if (id === null) return null;
  return (
    (await db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

async function contactById(db: Executor, accountId: number, id: number | null | undefined) {
  if (!id) return null;
  return (
    (await db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

/** The conversation an automation about a person acts on: their most recently active one. */
async function latestConversation(db: Executor, accountId: number, contactId: number | null | undefined) {
  if (!contactId) return null;
  return (
    (await db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .orderBy('last_activity_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? null
  );
}

async function eventById(db: Executor, accountId: number, id: number | null) {
  if (id === null) return null;
  return (
    (await db
      .selectFrom('events')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

async function personContactId(db: Executor, table: 'clients' | 'providers', accountId: number, id: number) {
  const row = await db
    .selectFrom(table)
    .select('contact_id')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.contact_id ?? null;
}

const empty = (accountId: number, source: string, data: Record<string, unknown>): RuleSubject => ({
  accountId,
  source,
  data,
  conversation: null,
  message: null,
  contact: null,
  event: null,
  assignment: null,
});

/** Loads the subject of a business event; null when what it points at no longer exists. */
export async function loadSubject(
  db: Executor,
  event: Pick<BusinessEvent, 'accountId' | 'name' | 'data'>,
): Promise<RuleSubject | null> {
  const { accountId, data } = event;
  const subject = empty(accountId, event.name, data);
  if (event.name === 'message.incoming') {
    const messageId = idIn(data, 'message_id');
    const message = messageId
      ? await db
          .selectFrom('messages')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('id', '=', messageId)
          .executeTakeFirst()
      : undefined;
    if (!message) return null;
    subject.message = message;
    subject.conversation = await conversationById(db, accountId, message.conversation_id);
  } else if (event.name.startsWith('conversation.')) {
    subject.conversation = await conversationById(db, accountId, idIn(data, 'conversation_id', 'id'));
    if (!subject.conversation) return null;
  } else if (event.name.startsWith('event.')) {
    subject.event = await eventById(db, accountId, idIn(data, 'id', 'event_id'));
    if (!subject.event) return null;
    const contactId = await personContactId(db, 'clients', accountId, subject.event.client_id);
    subject.contact = await contactById(db, accountId, contactId);
    subject.conversation =
      (await conversationById(db, accountId, subject.event.conversation_id)) ??
      (await latestConversation(db, accountId, contactId));
    return subject;
  } else if (event.name.startsWith('assignment.')) {
    const assignmentId = idIn(data, 'id', 'assignment_id');
    subject.assignment = assignmentId
      ? ((await db
          .selectFrom('assignments')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('id', '=', assignmentId)
          .executeTakeFirst()) ?? null)
      : null;
    if (!subject.assignment) return null;
    subject.event = await eventById(db, accountId, subject.assignment.event_id);
    const contactId = await personContactId(db, 'providers', accountId, subject.assignment.provider_id);
    subject.contact = await contactById(db, accountId, contactId);
    subject.conversation = await latestConversation(db, accountId, contactId);
    return subject;
  } else if (event.name.startsWith('notification.')) {
    subject.contact = await contactById(db, accountId, idIn(data, 'contact_id'));
    if (!subject.contact) return null;
    subject.event = await eventById(db, accountId, idIn(data, 'event_id'));
    subject.conversation = await latestConversation(db, accountId, subject.contact.id);
    return subject;
  } else {
    return null;
  }
  if (!subject.conversation) return null;
  subject.contact = await contactById(db, accountId, subject.conversation.contact_id);
  return subject;
}

function fromJson(value: unknown): AttributeValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  return JSON.stringify(value);
}

function changedAttributes(data: Record<string, unknown>): string[] {
  const previous = data.previous as Record<string, unknown> | undefined;
  if (!previous) return [];
  return ['starts_at', 'ends_at', 'status'].filter((key) => previous[key] !== undefined && previous[key] !== data[key]);
}

/** The value a condition compares, by the attribute keys of rule-catalog's ATTRIBUTES. */
export function attributeValue(
  subject: RuleSubject,
  condition: Pick<Condition, 'attribute_key' | 'custom_attribute_type'>,
): AttributeValue {
  const key = condition.attribute_key;
  const { conversation, contact, message, event, assignment, data } = subject;
  if (condition.custom_attribute_type === 'conversation_attribute')
    return fromJson(conversation?.custom_attributes[key]);
  if (condition.custom_attribute_type === 'contact_attribute') return fromJson(contact?.custom_attributes[key]);
  switch (key) {
    case 'email':
      return contact?.email ?? null;
    case 'phone_number':
      return contact?.phone_number ?? null;
    case 'contact_name':
      return contact?.name ?? null;
  }
  if (subject.source === 'message.incoming' || subject.source.startsWith('conversation.')) {
    switch (key) {
      case 'content':
        return message?.content ?? null;
      case 'message_type':
        return message ? MESSAGE_TYPES[message.message_type] : null;
      case 'status':
        return conversation?.status ?? null;
      case 'priority':
        return conversation?.priority ?? null;
      case 'inbox_id':
        return conversation?.inbox_id ?? null;
      case 'team_id':
        return conversation?.team_id ?? null;
      case 'assignee_id':
        return conversation?.assignee_id ?? null;
      case 'labels':
        return conversation?.labels ?? [];
      case 'browser_language':
        return fromJson(
          conversation?.additional_attributes.browser_language ?? contact?.additional_attributes.browser_language,
        );
      case 'created_at':
        return conversation?.created_at ?? null;
    }
    return null;
  }
  if (subject.source.startsWith('assignment.')) {
    switch (key) {
      case 'response':
        return subject.source.replace('assignment.', '');
      case 'response_source':
        return assignment?.response_source ?? null;
      case 'provider_id':
        return assignment?.provider_id ?? null;
      case 'event_id':
        return assignment?.event_id ?? null;
      case 'service_type_id':
        return assignment?.service_type_id ?? null;
    }
    return null;
  }
  if (subject.source.startsWith('notification.')) {
    if (key === 'event_id') return event?.id ?? null;
    return fromJson(data[key]);
  }
  switch (key) {
    case 'status':
      return event?.status ?? null;
    case 'previous_status':
      return fromJson((data.previous as Record<string, unknown> | undefined)?.status);
    case 'changed_attributes':
      return changedAttributes(data);
    case 'title':
      return event?.title ?? null;
    case 'client_id':
      return event?.client_id ?? null;
    case 'service_type_id':
      return event?.service_type_id ?? null;
    case 'value_cents':
      return event?.value_cents === null || event?.value_cents === undefined ? null : Number(event.value_cents);
    case 'starts_at':
      return event?.starts_at ?? null;
    case 'city':
      return fromJson(event?.location.city);
  }
  return null;
}

/** The ids a run log names (what triggered it). */
export function subjectContext(subject: RuleSubject): Record<string, number> {
  const context: Record<string, number> = {};
  if (subject.conversation) context.conversation_id = subject.conversation.display_id;
  if (subject.message) context.message_id = subject.message.id;
  if (subject.event) context.event_id = subject.event.id;
  if (subject.assignment) context.assignment_id = subject.assignment.id;
  if (subject.contact) context.contact_id = subject.contact.id;
  const notificationId = idIn(subject.data, 'notification_id');
  if (notificationId) context.notification_id = notificationId;
  return context;
}
