import { describe, expect, it } from 'vitest';
import { renderNotificationTemplate, templateTexts, templateVariables } from './render.js';
import { checkVariables } from './template-text.js';
import { EXAMPLE_CONTEXT, type RenderContext } from './variables.js';

const SP = 'America/Sao_Paulo';

const context: RenderContext = {
  ...EXAMPLE_CONTEXT,
  account: { name: 'Buffet Alegria' },
  client: { name: 'Ana Paula Souza', phone: '+5511987654321', email: null },
  event: {
    title: 'Aniversário da Ana',
    // 19:30 in São Paulo (UTC-3), a Saturday.
    starts_at: new Date('2030-06-08T22:30:00Z'),
    ends_at: new Date('2030-06-09T03:00:00Z'),
    address: 'Rua das Flores, 10 - Centro - São Paulo/SP',
    city: 'São Paulo',
    value_cents: 123_456,
    service: 'Buffet',
    status: 'scheduled',
  },
};

const render = (text: string, over: Partial<RenderContext> = {}) =>
  renderNotificationTemplate({ whatsapp: null, text, sms: null }, { ...context, ...over }, SP).text;

describe('renderNotificationTemplate', () => {
  it('formats dates, times, weekdays and money in pt-BR in the business time zone', () => {
    expect(
      render(
        '{{client.first_name}}: {{event.date}} {{event.time}} ({{event.starts_at | dia_semana}}), {{event.starts_at}}, {{event.value}}',
      ),
    ).toBe('Ana: 08/06/2030 19:30 (sábado), 08/06/2030 às 19:30, R$ 1.234,56');
  });

  it('applies an explicit filter over the default one', () => {
    expect(render('{{event.starts_at | data}} / {{event.ends_at | hora}} / {{event.status}}')).toBe(
      '08/06/2030 / 00:00 / agendado',
    );
  });

  it('renders what the context lacks as empty and an unknown variable as typed', () => {
    expect(render('[{{client.email}}] [{{assignment.service}}] {{evento.data}}', { assignment: null })).toBe(
      '[] [] {{evento.data}}',
    );
  });

  it('builds Meta template components with text parameters and quick-reply payloads', () => {
    const rendered = renderNotificationTemplate(
      {
        whatsapp: {
          template_name: 'oferta_vaga',
          language: 'pt_BR',
          header_params: ['{{event.title}}'],
          body_params: ['{{provider.first_name}}', '{{event.starts_at | data_hora}}', '{{client.email}}'],
          button_payloads: ['{{offer.accept_payload}}', null, '{{offer.decline_payload}}'],
        },
        text: null,
        sms: 'Oferta: {{event.title}}',
      },
      context,
      SP,
    );
    expect(rendered).toEqual({
      text: null,
      sms: 'Oferta: Aniversário da Ana',
      whatsapp: {
        name: 'oferta_vaga',
        language: 'pt_BR',
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'Aniversário da Ana' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'João' },
              { type: 'text', text: '08/06/2030 às 19:30' },
              // Meta refuses empty parameters.
              { type: 'text', text: '-' },
            ],
          },
          {
            type: 'button',
            sub_type: 'quick_reply',
            index: '0',
            parameters: [{ type: 'payload', payload: 'offer:123:exemplo:accept' }],
          },
          {
            type: 'button',
            sub_type: 'quick_reply',
            index: '2',
            parameters: [{ type: 'payload', payload: 'offer:123:exemplo:decline' }],
          },
        ],
      },
    });
  });

  it('passes named parameters with their names and flattens line breaks Meta would refuse', () => {
    const rendered = renderNotificationTemplate(
      {
        whatsapp: { template_name: 'lembrete', language: 'pt_BR', body_params: { nome: '{{client.name}}\n\tok' } },
        text: null,
        sms: null,
      },
      context,
      SP,
    );
    expect(rendered.whatsapp?.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'nome', text: 'Ana Paula Souza ok' }] },
    ]);
  });
});

describe('templateVariables', () => {
  it('lists the root objects used across every variant', () => {
    const roots = templateVariables({
      whatsapp: {
        template_name: 'x',
        language: 'pt_BR',
        body_params: ['{{event.date}}'],
        button_payloads: ['{{offer.accept_payload}}'],
      },
      text: 'Oi {{contact.first_name}}',
      sms: '{{account.name}}',
    });
    expect([...roots].sort()).toEqual(['account', 'contact', 'event', 'offer']);
  });

  it('names each text by the field a validation error would name', () => {
    expect(
      templateTexts({
        whatsapp: { template_name: 'x', language: 'pt_BR', body_params: ['a', 'b'] },
        text: null,
        sms: 's',
      }).map((entry) => entry.field),
    ).toEqual(['sms', 'whatsapp.body_params.0', 'whatsapp.body_params.1']);
  });
});

describe('checkVariables', () => {
  it('accepts known variables with filters that fit them', () => {
    expect(
      checkVariables('text', '{{client.name}} {{ event.starts_at | dia_semana }} {{event.value | moeda}}'),
    ).toEqual([]);
  });

  it('names unknown variables, unknown filters, misplaced filters and malformed braces', () => {
    expect(checkVariables('text', '{{evento.data}} {{event.date | dia}} {{client.name | data}} {{1}}')).toEqual([
      { field: 'text', message: 'variável desconhecida: {{evento.data}}' },
      {
        field: 'text',
        message: 'filtro desconhecido: dia em {{event.date | dia}} (filtros: data, hora, data_hora, dia_semana, moeda)',
      },
      { field: 'text', message: 'o filtro data não se aplica a {{client.name}}' },
      { field: 'text', message: 'variável inválida: {{1}} (use {{objeto.campo}} ou {{objeto.campo | filtro}})' },
    ]);
  });
});
