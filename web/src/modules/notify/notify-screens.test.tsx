import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api-client';
import type { MessageTemplate } from '../inbox/composer/templates';
import { BroadcastForm } from './broadcasts/BroadcastForm';
import { BroadcastList } from './broadcasts/BroadcastsPage';
import { resolveNotifyPath } from './NotifyPage';
import { filtersOf, NotificationFiltersBar, searchOf } from './notifications/NotificationsPage';
import { NotificationTable } from './notifications/NotificationTable';
import {
  type Broadcast,
  type Notification,
  type NotificationRule,
  type NotificationTemplate,
  notifyApi,
} from './notify.api';
import { reasonCode, reasonSentence } from './reasons';
import { RuleForm } from './rules/RuleForm';
import { describeWhen, RuleList } from './rules/RulesPage';
import { joinOffset, splitOffset } from './rules/rule-offset';
import { rulesMessages } from './rules/rules.messages';
import { TemplateFields } from './templates/TemplateFields';
import { TemplatePreviewPanel } from './templates/TemplatePreviewPanel';
import { TemplateList } from './templates/TemplatesPage';
import {
  applyMetaTemplate,
  EMPTY_WHATSAPP,
  formFieldOf,
  inputOf,
  insertVariable,
  NEW_TEMPLATE,
  valuesOf,
} from './templates/template-form';
import { saveProblems } from './ui/field-errors';

const api = notifyApi(1);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const notification = (patch: Partial<Notification>): Notification => ({
  id: 1,
  key: 'rule:1:event:2:contact:3',
  kind: 'rule',
  rule_id: 1,
  template_id: 1,
  event_id: 2,
  assignment_id: null,
  dispatch_id: null,
  broadcast_id: null,
  contact_id: 3,
  contact_name: 'Maria Silva',
  category: 'utility',
  essential: false,
  channel: null,
  status: 'scheduled',
  due_at: '2030-06-07T22:00:00.000Z',
  original_due_at: null,
  sent_at: null,
  delivered_at: null,
  read_at: null,
  lateness_ms: null,
  reason: null,
  error_code: null,
  message_id: null,
  conversation_id: null,
  created_at: '2030-06-01T12:00:00.000Z',
  ...patch,
});

const template: NotificationTemplate = {
  id: 4,
  name: 'Lembrete 24h',
  category: 'utility',
  whatsapp: { template_name: 'lembrete_evento', language: 'pt_BR', body_params: ['{{client.first_name}}'] },
  text: 'Oi {{client.first_name}}!',
  sms: null,
  created_at: '2030-01-01T00:00:00Z',
  updated_at: '2030-01-01T00:00:00Z',
};

const metaTemplate: MessageTemplate = {
  id: 9,
  name: 'oferta_vaga',
  language: 'pt_BR',
  status: 'APPROVED',
  category: 'UTILITY',
  parameter_format: 'POSITIONAL',
  components: [
    { type: 'BODY', text: 'Olá {{1}}, vaga de {{2}} em {{3}}. Topa?' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Aceitar' },
        { type: 'QUICK_REPLY', text: 'Recusar' },
      ],
    },
  ],
};

describe('the notifications area', () => {
  it('maps /notificacoes/<slug>/… to a section, the list first', () => {
    expect(resolveNotifyPath('/notificacoes').section?.key).toBe('notifications');
    expect(resolveNotifyPath('/notificacoes/modelos/4')).toMatchObject({ section: { key: 'templates' }, rest: ['4'] });
    expect(resolveNotifyPath('/notificacoes/automacoes/nova').section?.adminOnly).toBe(true);
    expect(resolveNotifyPath('/notificacoes/nada').section).toBeNull();
  });

  it('keeps the list filters in the URL and drops what is not valid', () => {
    const filters = filtersOf(new URLSearchParams('situacao=skipped&tipo=offer&evento=12&contato=x&pagina=2'));
    expect(filters).toEqual({ status: 'skipped', kind: 'offer', event_id: 12, contact_id: undefined, page: 2 });
    expect(searchOf(filters)).toBe('?situacao=skipped&tipo=offer&evento=12&pagina=2');
    expect(filtersOf(new URLSearchParams('situacao=whatever')).status).toBeUndefined();
  });

  it('labels every filter and offers the statuses in Portuguese', () => {
    const html = renderToStaticMarkup(<NotificationFiltersBar filters={{ page: 1 }} onChange={() => {}} />);
    for (const label of ['Situação', 'Tipo', 'Evento (nº)', 'Contato (nº)']) expect(text(html)).toContain(label);
    expect(html).toContain('<option value="skipped">Não enviada</option>');
    expect(html).toContain('<option value="offer">Oferta</option>');
  });
});

describe('reasons', () => {
  it('shows the sentence after the code, with instants in São Paulo time', () => {
    const reason = 'quiet_hours: adiada para 2030-06-08T11:00:00.000Z (horário de silêncio)';
    expect(reasonCode(reason)).toBe('quiet_hours');
    expect(reasonSentence(reason)).toBe('Adiada para 08/06/2030, 08:00 (horário de silêncio)');
    expect(reasonSentence('opted_out: o contato pediu para não receber mensagens automáticas')).toBe(
      'O contato pediu para não receber mensagens automáticas',
    );
    expect(reasonSentence(null)).toBeNull();
  });
});

describe('a refused save', () => {
  const texts = { generic: 'Algo deu errado.', fixFields: 'Confira os campos destacados.' };
  const refusal = new ApiError(422, 'unprocessable', 'Regra inválida: conditions.0.values.', [
    { field: 'conditions.0.values', message: 'informe ao menos um valor' },
  ]);

  it('puts each message beside its field and points at them when all are shown', () => {
    expect(saveProblems(refusal, texts, { isShown: () => true })).toEqual({
      errors: { 'conditions.0.values': 'informe ao menos um valor' },
      alert: 'Confira os campos destacados.',
    });
  });

  it('keeps the API’s sentence when the form cannot show a field, and a generic one for anything else', () => {
    expect(saveProblems(refusal, texts).alert).toBe('Regra inválida: conditions.0.values.');
    expect(saveProblems(new Error('boom'), texts)).toEqual({ errors: {}, alert: 'Algo deu errado.' });
  });
});

describe('the notifications table', () => {
  it('shows when (São Paulo), to whom, kind, status and the reason as text', () => {
    const html = renderToStaticMarkup(
      <NotificationTable
        label="Notificações"
        notifications={[
          notification({}),
          notification({
            id: 2,
            status: 'skipped',
            contact_name: '<b>Zé</b>',
            reason: 'window_closed: a janela de 24 horas está fechada e o modelo não tem variante de WhatsApp',
            conversation_id: 7,
          }),
        ]}
      />,
    );
    expect(text(html)).toContain('previsto 07/06/2030, 19:00');
    expect(text(html)).toContain('Agendada');
    expect(text(html)).toContain('Não enviada');
    expect(text(html)).toContain('A janela de 24 horas está fechada');
    expect(html).not.toContain('window_closed');
    expect(html).toContain('&lt;b&gt;Zé&lt;/b&gt;');
    expect(html).toContain('href="/conversas/7"');
    expect(html).toContain('href="/eventos/2"');
  });
});

describe('templates', () => {
  it('lists each template with its category and variants', () => {
    const html = renderToStaticMarkup(<TemplateList templates={[template]} canEdit onDelete={() => {}} />);
    expect(text(html)).toContain('Lembrete 24h');
    expect(text(html)).toContain('Utilidade');
    expect(text(html)).toContain('Variantes: Texto · WhatsApp');
    expect(html).toContain('aria-label="Editar Lembrete 24h"');
    expect(html).toContain('href="/notificacoes/modelos/4"');
  });

  it('hides editing from agents', () => {
    const html = renderToStaticMarkup(<TemplateList templates={[template]} canEdit={false} onDelete={() => {}} />);
    expect(html).not.toContain('Excluir');
  });

  it('round-trips a template through the form and sends empty variants as null', () => {
    const values = valuesOf(template);
    expect(values.whatsapp.body).toEqual([{ key: '1', value: '{{client.first_name}}' }]);
    expect(inputOf(values)).toEqual({
      name: 'Lembrete 24h',
      category: 'utility',
      text: 'Oi {{client.first_name}}!',
      sms: null,
      whatsapp: { template_name: 'lembrete_evento', language: 'pt_BR', body_params: ['{{client.first_name}}'] },
    });
    expect(inputOf(NEW_TEMPLATE)).toMatchObject({ text: null, sms: null, whatsapp: null });
  });

  it('shapes the parameter inputs after the Meta template picked, keeping what was typed', () => {
    const picked = applyMetaTemplate(
      { ...EMPTY_WHATSAPP, body: [{ key: '1', value: '{{provider.first_name}}' }] },
      metaTemplate,
    );
    expect(picked.body.map((slot) => slot.key)).toEqual(['1', '2', '3']);
    expect(picked.body[0]?.value).toBe('{{provider.first_name}}');
    expect(picked.buttons.map((button) => button.text)).toEqual(['Aceitar', 'Recusar']);
    expect(inputOf({ ...NEW_TEMPLATE, whatsapp: picked }).whatsapp?.button_payloads).toEqual([null, null]);
  });

  it('inserts a variable into the field last edited', () => {
    const values = { ...NEW_TEMPLATE, text: 'Oi', whatsapp: applyMetaTemplate(EMPTY_WHATSAPP, metaTemplate) };
    expect(insertVariable(values, 'text', '{{client.name}}').text).toBe('Oi {{client.name}}');
    expect(insertVariable(values, 'whatsapp.body.1', '{{event.title}}').whatsapp.body[1]?.value).toBe(
      '{{event.title}}',
    );
  });

  it('renders the picker over the approved templates, an input per parameter and the API errors beside them', () => {
    const values = { ...NEW_TEMPLATE, whatsapp: applyMetaTemplate(EMPTY_WHATSAPP, metaTemplate) };
    const html = renderToStaticMarkup(
      <TemplateFields
        values={values}
        errors={{
          name: 'informe o nome do modelo',
          [formFieldOf('whatsapp.body_params.1')]: 'variável desconhecida: {{event.nada}}',
        }}
        metaTemplates={[metaTemplate, { ...metaTemplate, id: 10, name: 'rascunho', status: 'PENDING' }]}
        onChange={() => {}}
        onFocusTarget={() => {}}
      />,
    );
    expect(html).toContain('>oferta_vaga (pt_BR)</option>');
    expect(html).not.toContain('rascunho');
    expect(text(html)).toContain('Olá {{1}}, vaga de {{2}} em {{3}}. Topa?');
    for (const label of ['Corpo {{1}}', 'Corpo {{2}}', 'Corpo {{3}}', 'Payload do botão “Aceitar”']) {
      expect(text(html)).toContain(label);
    }
    expect(text(html)).toContain('informe o nome do modelo');
    expect(text(html)).toContain('variável desconhecida: {{event.nada}}');
    expect(html.match(/aria-invalid="true"/g)).toHaveLength(2);
  });

  it('asks for the name by hand when no Meta template is synced', () => {
    const html = renderToStaticMarkup(
      <TemplateFields
        values={{ ...NEW_TEMPLATE, whatsapp: { ...EMPTY_WHATSAPP, enabled: true } }}
        errors={{}}
        metaTemplates={[]}
        onChange={() => {}}
        onFocusTarget={() => {}}
      />,
    );
    expect(text(html)).toContain('Nenhum modelo sincronizado');
    expect(text(html)).toContain('Nome do modelo na Meta');
  });

  it('previews each variant, or lists the problems the API found', () => {
    const ready = renderToStaticMarkup(
      <TemplatePreviewPanel
        state={{
          status: 'ready',
          preview: {
            text: 'Oi Maria!',
            sms: null,
            whatsapp: { name: 'lembrete_evento', language: 'pt_BR', components: [], body_text: 'Olá Maria' },
          },
        }}
      />,
    );
    expect(text(ready)).toContain('Oi Maria!');
    expect(text(ready)).toContain('Olá Maria');
    expect(text(ready)).toContain('(sem esta variante)');
    const problems = renderToStaticMarkup(
      <TemplatePreviewPanel state={{ status: 'problems', problems: ['text: variável desconhecida: {{x.y}}'] }} />,
    );
    expect(problems).toContain('role="alert"');
    expect(text(problems)).toContain('variável desconhecida');
    expect(text(renderToStaticMarkup(<TemplatePreviewPanel state={{ status: 'empty' }} />))).toContain(
      'Escreva ao menos uma variante',
    );
  });
});

describe('rules', () => {
  const t = (key: keyof (typeof rulesMessages)['pt-BR'], vars?: Record<string, string | number>) =>
    rulesMessages['pt-BR'][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? ''));
  const rule: NotificationRule = {
    id: 1,
    name: 'Lembrete ao cliente 24 h antes',
    trigger: 'event.before_start',
    offset_minutes: 1440,
    audience: 'client',
    template_id: null,
    essential: false,
    active: false,
  };

  it('writes offsets in the largest unit that fits', () => {
    expect(splitOffset(1440)).toEqual({ amount: 1, unit: 'days' });
    expect(splitOffset(180)).toEqual({ amount: 3, unit: 'hours' });
    expect(splitOffset(90)).toEqual({ amount: 90, unit: 'minutes' });
    expect(joinOffset('3', 'hours')).toBe(180);
    expect(joinOffset('1,5', 'hours')).toBe(90);
    expect(joinOffset('-2', 'minutes')).toBeNull();
    expect(describeWhen(rule, t)).toBe('1 dia antes do início');
    expect(describeWhen({ trigger: 'event.created', offset_minutes: 0 }, t)).toBe('Evento agendado');
  });

  it('lists the rules, and cannot turn on one without a template', () => {
    const html = renderToStaticMarkup(
      <RuleList
        rules={[rule, { ...rule, id: 2, name: 'Pesquisa', template_id: 4, active: true, essential: true }]}
        templates={[template]}
        canEdit
        busy={false}
        onToggle={() => {}}
        onEdit={() => {}}
        onDelete={() => {}}
      />,
    );
    expect(text(html)).toContain('1 dia antes do início · Cliente · sem modelo');
    expect(text(html)).toContain('Lembrete 24h');
    expect(html).toMatch(
      /aria-label="Regra Lembrete ao cliente 24 h antes ativa"[^>]*title="Escolha um modelo antes de ativar."/,
    );
    expect(html).toMatch(/disabled=""[^>]*aria-label="Regra Lembrete ao cliente 24 h antes ativa"/);
    expect(text(html)).toContain('essencial');
  });

  it('shows the offset for timed triggers and the API errors beside their fields', () => {
    const html = renderToStaticMarkup(
      <RuleForm
        api={api}
        rule={rule}
        templates={[template]}
        initialErrors={{ template_id: 'o modelo precisa ter variante de WhatsApp ou SMS' }}
        onSaved={() => {}}
        onCancel={() => {}}
      />,
    );
    expect(text(html)).toContain('Quanto tempo');
    expect(html).toContain('value="1"');
    expect(html).toContain('<option value="days" selected="">dias</option>');
    expect(text(html)).toContain('o modelo precisa ter variante de WhatsApp ou SMS');
    const created = renderToStaticMarkup(
      <RuleForm
        api={api}
        rule={{ ...rule, trigger: 'event.created' }}
        templates={[]}
        onSaved={() => {}}
        onCancel={() => {}}
      />,
    );
    expect(text(created)).not.toContain('Quanto tempo');
  });
});

describe('broadcasts', () => {
  const broadcast: Broadcast = {
    id: 1,
    name: 'Promoção de junho',
    label: 'clientes-vip',
    template: { id: 5, name: 'Promo' },
    status: 'running',
    scheduled_at: '2030-06-01T13:00:00Z',
    started_at: null,
    finished_at: null,
    recipients: 40,
    excluded: 3,
    counts: { scheduled: 10, queued: 0, sent: 20, delivered: 5, read: 2, failed: 1, cancelled: 0, skipped: 2 },
    reason: null,
    created_at: '2030-06-01T12:00:00Z',
  };

  it('shows each broadcast with its counts and a cancel button while it runs', () => {
    const html = renderToStaticMarkup(<BroadcastList broadcasts={[broadcast]} canEdit onCancel={() => {}} />);
    expect(text(html)).toContain('Promoção de junho');
    expect(text(html)).toContain('Enviando');
    expect(text(html)).toContain('40 destinatários · 3 sem autorização');
    expect(text(html)).toContain('Enviadas 20 · entregues 5 · lidas 2 · falhas 1 · puladas 2');
    expect(text(html)).toContain('Para 01/06/2030, 10:00');
    expect(html).toContain('aria-label="Cancelar a transmissão Promoção de junho"');
    const done = renderToStaticMarkup(
      <BroadcastList broadcasts={[{ ...broadcast, status: 'done' }]} canEdit onCancel={() => {}} />,
    );
    expect(done).not.toContain('Cancelar a transmissão');
  });

  it('offers only marketing templates and shows the API errors', () => {
    const html = renderToStaticMarkup(
      <BroadcastForm
        api={api}
        labels={['clientes-vip']}
        templates={[template, { ...template, id: 5, name: 'Promo', category: 'marketing' }]}
        initialErrors={{ label: 'label: informe a etiqueta dos destinatários' }}
        onSaved={() => {}}
        onCancel={() => {}}
      />,
    );
    expect(html).toContain('>Promo</option>');
    expect(html).not.toContain('>Lembrete 24h</option>');
    expect(text(html)).toContain('informe a etiqueta dos destinatários');
    const none = renderToStaticMarkup(
      <BroadcastForm api={api} labels={[]} templates={[template]} onSaved={() => {}} onCancel={() => {}} />,
    );
    expect(text(none)).toContain('Nenhum modelo de marketing');
  });
});
