import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConsentsView } from './ConsentsSection';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('consents on the contact panel', () => {
  it('shows each consent with its status, when and how, and a labelled switch', () => {
    const html = renderToStaticMarkup(
      <ConsentsView
        consents={{
          marketing: { status: 'unknown', at: null, source: null },
          notifications: { status: 'opted_out', at: '2030-06-07T22:00:00Z', source: 'keyword' },
        }}
        busy={false}
        error={null}
        onChange={() => {}}
      />,
    );
    expect(text(html)).toContain('Notificações automáticas: Recusado');
    expect(text(html)).toContain('07/06/2030, 19:00 · como: pelo WhatsApp (SAIR/VOLTAR)');
    expect(text(html)).toContain('Marketing: Sem registro');
    expect(text(html)).toContain('Nunca registrado');
    expect(html.match(/type="checkbox"/g)).toHaveLength(2);
    expect(html).not.toMatch(/checked=""/);
    expect(text(html)).toContain('Aceita mensagens de marketing');
  });

  it('shows a load or save error', () => {
    const html = renderToStaticMarkup(
      <ConsentsView consents={null} busy={false} error="Contato não encontrado." onChange={() => {}} />,
    );
    expect(html).toContain('role="alert"');
    expect(text(html)).toContain('Contato não encontrado.');
  });
});
