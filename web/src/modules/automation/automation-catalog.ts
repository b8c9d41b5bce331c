/**
 * What the rule editor offers: the events, the attributes each event's conditions may use, the operators
 * per attribute type and the actions. It mirrors src/automation/rules/rule-catalog.ts; the API checks
 * everything again and answers 422 naming the field, so a mismatch shows up as a message, not a bad rule.
 */

export const CONVERSATION_EVENTS = [
  'conversation_created',
  'conversation_updated',
  'conversation_opened',
  'conversation_resolved',
  'message_created',
] as const;
export const SANTANA_EVENTS = [
  'event_created',
  'event_updated',
  'assignment_responded',
  'notification_failed',
] as const;
export const AUTOMATION_EVENTS = [...CONVERSATION_EVENTS, ...SANTANA_EVENTS] as const;
export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];

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
export const PRESENCE_OPERATORS: readonly FilterOperator[] = ['is_present', 'is_not_present'];

export type AttributeType = 'text' | 'id' | 'enum' | 'labels' | 'number' | 'date';
export interface AttributeSpec {
  type: AttributeType;
  values?: readonly string[];
  /** Ids chosen from a list the editor loads. */
  options?: 'teams' | 'agents' | 'inboxes';
}

export const OPERATORS_BY_TYPE: Record<AttributeType | 'custom', readonly FilterOperator[]> = {
  text: ['equal_to', 'not_equal_to', 'contains', 'does_not_contain', 'is_present', 'is_not_present'],
  id: ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'],
  enum: ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'],
  labels: ['equal_to', 'not_equal_to', 'contains', 'does_not_contain', 'is_present', 'is_not_present'],
  number: ['equal_to', 'not_equal_to', 'is_greater_than', 'is_less_than', 'is_present', 'is_not_present'],
  date: ['is_greater_than', 'is_less_than', 'days_before', 'is_present', 'is_not_present'],
  custom: FILTER_OPERATORS,
};

const text: AttributeSpec = { type: 'text' };
const id: AttributeSpec = { type: 'id' };
const date: AttributeSpec = { type: 'date' };
const oneOf = (...values: string[]): AttributeSpec => ({ type: 'enum', values });
const CONTACT = { contact_name: text, phone_number: text, email: text };
const CONVERSATION: Record<string, AttributeSpec> = {
  status: oneOf('open', 'resolved', 'pending', 'snoozed'),
  priority: oneOf('low', 'medium', 'high', 'urgent'),
  inbox_id: { type: 'id', options: 'inboxes' },
  team_id: { type: 'id', options: 'teams' },
  assignee_id: { type: 'id', options: 'agents' },
  labels: { type: 'labels' },
  created_at: date,
  ...CONTACT,
};
const EVENT: Record<string, AttributeSpec> = {
  status: oneOf('scheduled', 'confirmed', 'done', 'cancelled'),
  title: text,
  client_id: id,
  service_type_id: id,
  value_cents: { type: 'number' },
  starts_at: date,
  city: text,
  ...CONTACT,
};

export const ATTRIBUTES: Record<AutomationEvent, Record<string, AttributeSpec>> = {
  conversation_created: CONVERSATION,
  conversation_updated: CONVERSATION,
  conversation_opened: CONVERSATION,
  conversation_resolved: CONVERSATION,
  message_created: { content: text, message_type: oneOf('incoming', 'outgoing'), ...CONVERSATION },
  event_created: EVENT,
  event_updated: {
    ...EVENT,
    previous_status: oneOf('scheduled', 'confirmed', 'done', 'cancelled'),
    changed_attributes: { type: 'labels' },
  },
  assignment_responded: {
    response: oneOf('accepted', 'declined'),
    response_source: oneOf('button', 'text', 'manager', 'timeout'),
    provider_id: id,
    event_id: id,
    service_type_id: id,
    ...CONTACT,
  },
  notification_failed: {
    kind: oneOf('rule', 'offer', 'offer_reply', 'broadcast', 'consent'),
    channel: oneOf('whatsapp', 'sms'),
    error_code: text,
    reason: text,
    event_id: id,
    ...CONTACT,
  },
};

/** How an action's parameters are edited. */
export type ParamKind =
  | 'text'
  | 'labels'
  | 'agent'
  | 'team'
  | 'status'
  | 'none'
  | 'minutes'
  | 'priority'
  | 'attachment'
  | 'url'
  | 'template'
  | 'deal'
  | 'stage'
  | 'dispatch';

export const ACTIONS = {
  send_message: 'text',
  add_private_note: 'text',
  add_label: 'labels',
  remove_label: 'labels',
  assign_agent: 'agent',
  assign_team: 'team',
  change_status: 'status',
  resolve_conversation: 'none',
  snooze_conversation: 'minutes',
  change_priority: 'priority',
  mute_conversation: 'none',
  send_attachment: 'attachment',
  send_webhook_event: 'url',
  send_template: 'template',
  create_deal: 'deal',
  move_deal_stage: 'stage',
  start_dispatch: 'dispatch',
} as const satisfies Record<string, ParamKind>;
export type ActionName = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

/** Actions that only make sense for some events. */
export const ACTION_EVENTS: Partial<Record<ActionName, readonly AutomationEvent[]>> = {
  start_dispatch: ['event_created', 'event_updated'],
};

export const actionsFor = (event: AutomationEvent) =>
  ACTION_NAMES.filter((name) => ACTION_EVENTS[name]?.includes(event) ?? true);

export const CONVERSATION_STATUSES = ['open', 'resolved', 'pending'] as const;
export const PRIORITIES = ['low', 'medium', 'high', 'urgent', 'none'] as const;
