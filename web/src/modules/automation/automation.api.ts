import { apiRequest } from '../../shared/api-client';
import type { ActionName, AutomationEvent, FilterOperator } from './automation-catalog';

/** Chatwoot's automation rules (src/automation/rules/automation-rules.routes.ts), administrators only. */

export interface RuleCondition {
  attribute_key: string;
  filter_operator: FilterOperator;
  values: Array<string | number | boolean>;
  query_operator: 'and' | 'or' | null;
  custom_attribute_type?: 'conversation_attribute' | 'contact_attribute';
}

export interface RuleAction {
  action_name: ActionName;
  action_params: unknown[];
}

export interface AutomationRule {
  id: number;
  name: string;
  description: string;
  event_name: AutomationEvent;
  conditions: RuleCondition[];
  actions: RuleAction[];
  active: boolean;
  created_on: number;
}

export type AutomationRuleInput = Pick<
  AutomationRule,
  'name' | 'description' | 'event_name' | 'conditions' | 'actions' | 'active'
>;

export interface AutomationRun {
  id: number;
  rule_id: number;
  event_name: string;
  status: 'running' | 'success' | 'error' | 'skipped';
  /** What triggered it: conversation_id (display id), message_id, event_id, contact_id… */
  context: Record<string, unknown>;
  actions: Array<{ action_name?: string; status?: string; error?: string }>;
  error: string | null;
  created_at: string;
}

interface Page<T> {
  meta: { count: number; current_page: number };
  payload: T[];
}

/** The lists the editor chooses ids from. */
export interface RuleOptions {
  agents: Array<{ id: number; name: string }>;
  teams: Array<{ id: number; name: string }>;
  inboxes: Array<{ id: number; name: string }>;
  labels: string[];
  templates: Array<{ id: number; name: string }>;
  stages: Array<{ id: number; name: string }>;
  services: string[];
}

const listOf = <T>(answer: Page<T> | { payload: T[] } | T[]): T[] => (Array.isArray(answer) ? answer : answer.payload);

export function automationApi(accountId: number) {
  const base = `/api/v1/accounts/${accountId}`;
  const call = <T>(method: string, path: string, body?: unknown) => apiRequest<T>(method, `${base}${path}`, body);
  return {
    list: () => call<Page<AutomationRule>>('GET', '/automation_rules').then(listOf),
    get: (id: number) =>
      call<{ payload: AutomationRule }>('GET', `/automation_rules/${id}`).then((data) => data.payload),
    create: (input: AutomationRuleInput) =>
      call<{ payload: AutomationRule }>('POST', '/automation_rules', input).then((data) => data.payload),
    update: (id: number, input: Partial<AutomationRuleInput>) =>
      call<{ payload: AutomationRule }>('PATCH', `/automation_rules/${id}`, input).then((data) => data.payload),
    remove: (id: number) => call<null>('DELETE', `/automation_rules/${id}`),
    runs: (id: number, page: number) => call<Page<AutomationRun>>('GET', `/automation_rules/${id}/runs?page=${page}`),
    async options(): Promise<RuleOptions> {
      const [agents, teams, inboxes, labels, templates, stages, services] = await Promise.all([
        call<Array<{ id: number; available_name: string }>>('GET', '/agents'),
        call<Array<{ id: number; name: string }>>('GET', '/teams'),
        call<{ payload: Array<{ id: number; name: string }> }>('GET', '/inboxes').then(listOf),
        call<{ payload: Array<{ title: string }> }>('GET', '/labels').then(listOf),
        call<Page<{ id: number; name: string }>>('GET', '/notification_templates').then(listOf),
        call<Page<{ id: number; name: string }>>('GET', '/pipeline_stages').then(listOf),
        call<Page<{ name: string }>>('GET', '/service_types').then(listOf),
      ]);
      return {
        agents: agents.map((agent) => ({ id: agent.id, name: agent.available_name })),
        teams,
        inboxes,
        labels: labels.map((label) => label.title),
        templates,
        stages,
        services: services.map((service) => service.name),
      };
    },
  };
}

export type AutomationApi = ReturnType<typeof automationApi>;
