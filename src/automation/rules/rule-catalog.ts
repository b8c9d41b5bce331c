// No imports: the web app's rule editor imports this catalog too (one list of events, operators and actions).

/** Chatwoot's automation events (message_created: incoming messages only, as in Chatwoot). */
export const CONVERSATION_EVENTS = [
  'conversation_created',
  'conversation_updated',
  'conversation_opened',
  'conversation_resolved',
  'message_created',
] as const;

/** Santana's own: CRM events, providers answering offers, automated sends that failed. */
export const SANTANA_EVENTS = [
  'event_created',
  'event_updated',
  'assignment_responded',
  'notification_failed',
] as const;

export const AUTOMATION_EVENTS = [...CONVERSATION_EVENTS, ...SANTANA_EVENTS] as const;
export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];

export const isConversationEvent = (name: string) => (CONVERSATION_EVENTS as readonly string[]).includes(name);

export const FILTER_OPERATORS = [
  'equal_to',
  'not_equal_to',
  'contains',
  'does_not_contain',
  'is_present',
  'is_not_present',
  'is_greater_than',
  'is_less_than',
  'days_before',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Operators that look at no value. */
export const PRESENCE_OPERATORS: readonly FilterOperator[] = ['is_present', 'is_not_present'];

export type AttributeType = 'text' | 'id' | 'enum' | 'labels' | 'number' | 'date' | 'custom';

export const OPERATORS_BY_TYPE: Record<AttributeType, readonly FilterOperator[]> = {
  text: ['equal_to', 'not_equal_to', 'contains', 'does_not_contain', 'is_present', 'is_not_present'],
  id: ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'],
  enum: ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'],
  labels: ['equal_to', 'not_equal_to', 'contains', 'does_not_contain', 'is_present', 'is_not_present'],
  number: ['equal_to', 'not_equal_to', 'is_greater_than', 'is_less_than', 'is_present', 'is_not_present'],
  date: ['is_greater_than', 'is_less_than', 'days_before', 'is_present', 'is_not_present'],
  // Custom attributes have no declared type in Santana: every operator, compared as the value allows.
  custom: FILTER_OPERATORS,
};

export interface AttributeSpec {
  type: AttributeType;
  /** For enum attributes: the accepted values. */
  values?: readonly string[];
}

const text: AttributeSpec = { type: 'text' };
const id: AttributeSpec = { type: 'id' };
const date: AttributeSpec = { type: 'date' };
const oneOf = (...values: string[]): AttributeSpec => ({ type: 'enum', values });

const CONTACT_ATTRIBUTES = { email: text, phone_number: text, contact_name: text };

const CONVERSATION_ATTRIBUTES = {
  status: oneOf('open', 'resolved', 'pending', 'snoozed'),
  priority: oneOf('low', 'medium', 'high', 'urgent'),
  inbox_id: id,
  team_id: id,
  assignee_id: id,
  labels: { type: 'labels' } as AttributeSpec,
  // Chatwoot's web widget attribute: WhatsApp conversations never have one (kept for imported rules).
  browser_language: text,
  created_at: date,
  ...CONTACT_ATTRIBUTES,
};

const EVENT_ATTRIBUTES = {
  status: oneOf('scheduled', 'confirmed', 'done', 'cancelled'),
  title: text,
  client_id: id,
  service_type_id: id,
  value_cents: { type: 'number' } as AttributeSpec,
  starts_at: date,
  city: text,
  ...CONTACT_ATTRIBUTES,
};

/** Which attribute keys each event's conditions may use, and how they compare. */
export const ATTRIBUTES: Record<AutomationEvent, Record<string, AttributeSpec>> = {
  conversation_created: CONVERSATION_ATTRIBUTES,
  conversation_updated: CONVERSATION_ATTRIBUTES,
  conversation_opened: CONVERSATION_ATTRIBUTES,
  conversation_resolved: CONVERSATION_ATTRIBUTES,
  message_created: {
    content: text,
    message_type: oneOf('incoming', 'outgoing'),
    ...CONVERSATION_ATTRIBUTES,
  },
  event_created: EVENT_ATTRIBUTES,
  event_updated: {
    ...EVENT_ATTRIBUTES,
    previous_status: oneOf('scheduled', 'confirmed', 'done', 'cancelled'),
    changed_attributes: { type: 'labels' },
  },
  assignment_responded: {
    response: oneOf('accepted', 'declined'),
    response_source: oneOf('button', 'text', 'manager', 'timeout'),
    provider_id: id,
    event_id: id,
    service_type_id: id,
    ...CONTACT_ATTRIBUTES,
  },
  notification_failed: {
    kind: oneOf('rule', 'offer', 'offer_reply', 'broadcast', 'consent'),
    channel: oneOf('whatsapp', 'sms'),
    error_code: text,
    reason: text,
    event_id: id,
    ...CONTACT_ATTRIBUTES,
  },
};

export const CUSTOM_ATTRIBUTE_TYPES = ['conversation_attribute', 'contact_attribute'] as const;
export type CustomAttributeType = (typeof CUSTOM_ATTRIBUTE_TYPES)[number];

/** Actions that change a conversation: on Santana's events they act on the person's latest conversation. */
export const CONVERSATION_ACTIONS = [
  'send_message',
  'add_label',
  'remove_label',
  'assign_agent',
  'assign_team',
  'change_status',
  'resolve_conversation',
  'snooze_conversation',
  'change_priority',
  'add_private_note',
  'send_attachment',
  'mute_conversation',
] as const;

export const ACTION_NAMES = [
  ...CONVERSATION_ACTIONS,
  'send_webhook_event',
  'send_template',
  'create_deal',
  'move_deal_stage',
  'start_dispatch',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** Actions that only make sense for some events (the rest work on every event). */
export const ACTION_EVENTS: Partial<Record<ActionName, readonly AutomationEvent[]>> = {
  start_dispatch: ['event_created', 'event_updated'],
};
