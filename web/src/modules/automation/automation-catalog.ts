/**
 * What the rule editor offers. Events, operators, attributes and action names come from the server's own
 * catalog (src/automation/rules/rule-catalog.ts, which has no imports), so the editor cannot drift from
 * what the API accepts; this file adds only what the screen needs: lists to pick ids from and how each
 * action's parameters are edited.
 */
import {
  ACTION_EVENTS,
  type ActionName,
  ATTRIBUTES as API_ATTRIBUTES,
  type AttributeSpec as ApiAttributeSpec,
  type AutomationEvent,
} from '../../../../src/automation/rules/rule-catalog';

export {
  type ActionName,
  AUTOMATION_EVENTS,
  type AutomationEvent,
  type FilterOperator,
  OPERATORS_BY_TYPE,
  PRESENCE_OPERATORS,
} from '../../../../src/automation/rules/rule-catalog';

export interface AttributeSpec extends ApiAttributeSpec {
  /** Ids chosen from a list the editor loads. */
  options?: 'teams' | 'agents' | 'inboxes';
}

const PICKED_FROM: Record<string, AttributeSpec['options']> = {
  inbox_id: 'inboxes',
  team_id: 'teams',
  assignee_id: 'agents',
};
// Chatwoot's web-widget attribute: accepted from imported rules, never true of a WhatsApp conversation.
const HIDDEN = new Set(['browser_language']);

export const ATTRIBUTES = Object.fromEntries(
  Object.entries(API_ATTRIBUTES).map(([event, attributes]) => [
    event,
    Object.fromEntries(
      Object.entries(attributes)
        .filter(([key]) => !HIDDEN.has(key))
        .map(([key, spec]) => [key, PICKED_FROM[key] ? { ...spec, options: PICKED_FROM[key] } : spec]),
    ),
  ]),
) as Record<AutomationEvent, Record<string, AttributeSpec>>;

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

// In the order the editor lists them; `satisfies` makes a new server action a type error here until it has an editor.
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
} as const satisfies Record<ActionName, ParamKind>;
const EDITOR_ACTIONS = Object.keys(ACTIONS) as ActionName[];

export const actionsFor = (event: AutomationEvent) =>
  EDITOR_ACTIONS.filter((name) => ACTION_EVENTS[name]?.includes(event) ?? true);

export const CONVERSATION_STATUSES = ['open', 'resolved', 'pending'] as const;
export const PRIORITIES = ['low', 'medium', 'high', 'urgent', 'none'] as const;
