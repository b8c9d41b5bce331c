import { describe, expect, it } from 'vitest';
import {
  buildTemplateParams,
  type MessageTemplate,
  missingFields,
  placeholders,
  previewSegments,
  renderedContent,
  templateFields,
} from './templates';

const template = (overrides: Partial<MessageTemplate>): MessageTemplate => ({
  id: 1,
  name: 'lembrete_evento',
  language: 'pt_BR',
  status: 'APPROVED',
  category: 'UTILITY',
  parameter_format: 'POSITIONAL',
  components: [],
  ...overrides,
});

const positional = template({
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Evento {{1}}' },
    { type: 'BODY', text: 'Olá {{1}}, o evento {{2}} é em {{3}}. Até {{1}}!' },
    { type: 'FOOTER', text: 'Santana Eventos' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Confirmar' }] },
  ],
});

const named = template({
  name: 'pedido',
  parameter_format: 'NAMED',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Oi {{ nome }}, seu pedido {{pedido_id}} saiu.' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Acompanhar', url: 'https://exemplo.com/p/{{1}}' },
        { type: 'URL', text: 'Site', url: 'https://exemplo.com' },
        { type: 'COPY_CODE', text: 'Copiar cupom' },
      ],
    },
  ],
});

describe('template placeholders', () => {
  it('lists distinct positional and named placeholders in order, tolerating spaces', () => {
    expect(placeholders('Olá {{1}}, {{2}} e de novo {{1}}')).toEqual(['1', '2']);
    expect(placeholders('Oi {{ nome }}, pedido {{pedido_id}}')).toEqual(['nome', 'pedido_id']);
    expect(placeholders(undefined)).toEqual([]);
  });

  it('asks for the header text parameter and each body placeholder once', () => {
    expect(templateFields(positional).map((field) => field.id)).toEqual(['header:1', 'body:1', 'body:2', 'body:3']);
  });

  it('asks for a media link for a media header and a parameter for dynamic URL and copy-code buttons only', () => {
    expect(templateFields(named).map((field) => `${field.id}/${field.kind}`)).toEqual([
      'header:media/media',
      'body:nome/text',
      'body:pedido_id/text',
      'button:0/button',
      'button:2/button',
    ]);
  });
});

describe('template preview', () => {
  it('fills positional parameters and keeps unfilled placeholders visible', () => {
    const segments = previewSegments('Olá {{1}}, evento {{2}}.', 'body', { 'body:1': 'Maria' });
    expect(segments).toEqual([
      { text: 'Olá ' },
      { text: 'Maria', param: { id: 'body:1', filled: true } },
      { text: ', evento ' },
      { text: '{{2}}', param: { id: 'body:2', filled: false } },
      { text: '.' },
    ]);
  });

  it('fills named parameters written with spaces inside the braces', () => {
    const text = previewSegments('Oi {{ nome }}!', 'body', { 'body:nome': 'João' })
      .map((segment) => segment.text)
      .join('');
    expect(text).toBe('Oi João!');
  });

  it('renders header, body and footer as the stored content', () => {
    const values = { 'header:1': 'Casamento', 'body:1': 'Ana', 'body:2': 'Casamento', 'body:3': '12/12' };
    expect(renderedContent(positional, values)).toBe(
      'Evento Casamento\n\nOlá Ana, o evento Casamento é em 12/12. Até Ana!\n\nSantana Eventos',
    );
  });

  it('reports the parameters still empty', () => {
    const fields = templateFields(positional);
    expect(missingFields(fields, { 'header:1': 'x', 'body:1': ' ', 'body:2': 'y' }).map((field) => field.id)).toEqual([
      'body:1',
      'body:3',
    ]);
  });
});

describe('Chatwoot template_params', () => {
  it('sends positional body parameters by number and the header text', () => {
    const params = buildTemplateParams(positional, {
      'header:1': 'Casamento',
      'body:1': ' Ana ',
      'body:2': 'Casamento',
      'body:3': '12/12',
    });
    expect(params).toEqual({
      name: 'lembrete_evento',
      category: 'UTILITY',
      language: 'pt_BR',
      processed_params: { header: { text: 'Casamento' }, body: { '1': 'Ana', '2': 'Casamento', '3': '12/12' } },
    });
  });

  it('sends named parameters by name, the media header and the button parameters with their index', () => {
    const params = buildTemplateParams(named, {
      'header:media': 'https://exemplo.com/foto.jpg',
      'body:nome': 'João',
      'body:pedido_id': '123',
      'button:0': 'abc',
      'button:2': 'CUPOM10',
    });
    expect(params.processed_params).toEqual({
      header: { media_url: 'https://exemplo.com/foto.jpg', media_type: 'image' },
      body: { nome: 'João', pedido_id: '123' },
      buttons: [
        { type: 'url', parameter: 'abc', index: 0 },
        { type: 'copy_code', parameter: 'CUPOM10', index: 2 },
      ],
    });
  });

  it('sends no body for a template without parameters', () => {
    const plain = template({ components: [{ type: 'BODY', text: 'Obrigado!' }] });
    expect(buildTemplateParams(plain, {}).processed_params).toEqual({});
  });
});
