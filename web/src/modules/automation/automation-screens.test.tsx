import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AutomationRuleForm } from './AutomationRuleForm';
import { AutomationRuleList } from './AutomationRulesPage';
import { type AutomationRule, automationApi, type RuleOptions } from './automation.api';
import { actionsFor } from './automation-catalog';
import { RunsTable } from './RuleRuns';
import { actionError, newCondition, splitValues, withAttribute, withEvent } from './rule-form';

const api = automationApi(1);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const options: RuleOptions = {
  agents: [{ id: 3, name: 'Ana Atendente' }],
  teams: [{ id: 2, name: 'Comercial' }],
  inboxes: [{ id: 1, name: 'WhatsApp' }],
  labels: ['orcamento'],
  templates: [{ id: 4, name: 'Lembrete 24h' }],
  stages: [{ id: 6, name: 'Proposta' }],
  services: ['DJ', 'Garçom'],
};

const rule: AutomationRule = {
  id: 7,
  name: 'Orçamento para o comercial',
  description: 'Quem pede orçamento vai para o time comercial',
  event_name: 'message_created',
  conditions: [
    { attribute_key: 'content', filter_operator: 'contains', values: ['orçamento'], query_operator: 'or' },
    { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: null },
  ],
  actions: [
    { action_name: 'assign_team', action_params: [2] },
    { action_name: 'add_label', action_params: ['orcamento', 'novo'] },
  ],
  active: true,
  created_on: 1_900_000_000,
};

describe('automation rules', () => {
  it('lists each rule with its event, conditions and actions, and a switch', () => {
    const html = renderToStaticMarkup(
      <AutomationRuleList rules={[rule]} busy={false} onToggle={() => {}} onDelete={() => {}} />,
    );
    expect(text(html)).toContain('Mensagem recebida · Condições: 2 · Atribuir a um time, Adicionar marcador');
    expect(html).toContain('aria-label="Automação Orçamento para o comercial ativa"');
    expect(html).toContain('href="/notificacoes/automacoes/7"');
  });

  it('edits conditions (attribute, operator, values, AND/OR) and actions with their parameters', () => {
    const html = renderToStaticMarkup(
      <AutomationRuleForm api={api} rule={rule} options={options} onSaved={() => {}} onCancel={() => {}} />,
    );
    for (const label of [
      'Atributo da condição 1',
      'Operador da condição 1',
      'Valor da condição 1',
      'Ação 1',
      'Time da ação 1',
      'Marcadores da ação 2 (separados por vírgula)',
    ]) {
      expect(text(html)).toContain(label);
    }
    expect(html).toContain('value="orçamento"');
    expect(html).toMatch(
      /aria-label="Ligação entre as condições 1 e 2"[^>]*>.*<option value="or" selected="">OU<\/option>/s,
    );
    expect(html).toContain('<option value="2" selected="">Comercial</option>');
    expect(html).toContain('value="orcamento, novo"');
    // Enum attributes are checkboxes with their Portuguese names.
    expect(text(html)).toContain('Aberta');
    expect(html).not.toContain('Oferecer vagas aos prestadores');
  });

  it('shows the API’s 422 next to the condition and the action it names', () => {
    const html = renderToStaticMarkup(
      <AutomationRuleForm
        api={api}
        rule={rule}
        options={options}
        initialErrors={{
          'conditions.0.values': 'informe ao menos um valor',
          'actions.1.action_params.0': 'etiqueta: use apenas letras, números, "-" e "_"',
        }}
        onSaved={() => {}}
        onCancel={() => {}}
      />,
    );
    expect(text(html)).toContain('informe ao menos um valor');
    expect(text(html)).toContain('etiqueta: use apenas letras, números');
    expect(html.match(/aria-invalid="true"/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('starts a new rule with one action and no conditions', () => {
    const html = renderToStaticMarkup(
      <AutomationRuleForm api={api} rule={null} options={null} onSaved={() => {}} onCancel={() => {}} />,
    );
    expect(text(html)).toContain('Nova regra de automação');
    expect(text(html)).toContain('Sem condições');
  });

  it('keeps only what another event can use', () => {
    const moved = withEvent(rule, 'event_created');
    expect(moved.conditions.map((condition) => condition.attribute_key)).toEqual(['status']);
    expect(moved.actions.map((action) => action.action_name)).toEqual(['assign_team', 'add_label']);
    expect(actionsFor('event_created')).toContain('start_dispatch');
    expect(actionsFor('message_created')).not.toContain('start_dispatch');
    expect(
      withEvent({ ...rule, actions: [{ action_name: 'start_dispatch', action_params: [] }] }, 'message_created')
        .actions,
    ).toEqual([{ action_name: 'add_private_note', action_params: [] }]);
  });

  it('changes an attribute keeping the operator only when its type allows it', () => {
    const condition = newCondition('event_created');
    expect(condition).toMatchObject({ attribute_key: 'status', filter_operator: 'equal_to' });
    expect(withAttribute('event_created', { ...condition, values: ['done'] }, 'starts_at')).toMatchObject({
      filter_operator: 'is_greater_than',
      values: [],
    });
    expect(splitValues('1, 2,x', true)).toEqual([1, 2, 'x']);
    expect(actionError({ 'actions.1.action_params.0': 'a', 'actions.10.action_name': 'b' }, 1)).toBe('a');
  });
});

describe('the execution log', () => {
  it('shows when, the result, what it was about, each action and the error', () => {
    const html = renderToStaticMarkup(
      <RunsTable
        runs={[
          {
            id: 1,
            rule_id: 7,
            event_name: 'message_created',
            status: 'error',
            context: { conversation_id: 12, message_id: 40 },
            actions: [
              { action_name: 'assign_team', status: 'done' },
              { action_name: 'send_webhook_event', status: 'error', error: 'HTTP 500' },
            ],
            error: 'send_webhook_event: HTTP 500',
            created_at: '2030-06-07T22:00:00Z',
          },
          {
            id: 2,
            rule_id: 7,
            event_name: 'message_created',
            status: 'skipped',
            context: { event_id: 3 },
            actions: [],
            error: 'loop: a própria ação da regra',
            created_at: '2030-06-07T22:05:00Z',
          },
        ]}
      />,
    );
    expect(text(html)).toContain('07/06/2030, 19:00');
    expect(text(html)).toContain('Erro');
    expect(text(html)).toContain('Ignorada');
    expect(html).toContain('href="/conversas/12"');
    expect(html).toContain('href="/eventos/3"');
    expect(text(html)).toContain('Enviar webhook · falhou');
    expect(text(html)).toContain('send_webhook_event: HTTP 500');
  });
});
