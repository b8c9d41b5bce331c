import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../inbox.api';
import { Composer } from './Composer';

const conversation = (overrides: Partial<Conversation> = {}) =>
  ({ id: 7, account_id: 1, inbox_id: 3, can_reply: true, ...overrides }) as Conversation;

const render = (props: { conversation?: Conversation; replyTo?: Message | null } = {}) =>
  renderToStaticMarkup(
    <Composer
      accountId={1}
      conversation={props.conversation ?? conversation()}
      replyTo={props.replyTo ?? null}
      onCancelReply={() => undefined}
      onPending={() => undefined}
      onSettled={() => undefined}
    />,
  );

describe('Composer', () => {
  it('offers a textbox named Mensagem and a disabled Enviar while empty', () => {
    const html = render();
    expect(html).toContain('aria-label="Mensagem"');
    expect(html).toMatch(/<button type="submit" class="primary" disabled=""[^>]*>Enviar<\/button>/);
    expect(html).toContain('aria-label="Anexar arquivo"');
    expect(html).toContain('aria-label="Inserir emoji"');
    expect(html).toContain('aria-pressed="true">Responder</button>');
    expect(html).toContain('aria-pressed="false">Nota privada</button>');
  });

  it('quotes the message being answered, as text, with a cancel button', () => {
    const replyTo = {
      id: 99,
      content: '<img src=x onerror=alert(1)>',
      message_type: 0,
      sender: { name: 'Maria' },
      attachments: [],
    } as unknown as Message;
    const html = render({ replyTo });
    expect(html).toContain('Respondendo a Maria');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('aria-label="Cancelar resposta"');
  });

  it('says the 24-hour window is closed and loads the template picker instead of the textbox', () => {
    const html = render({ conversation: conversation({ can_reply: false }) });
    expect(html).toContain('A janela de 24 horas está fechada: envie um modelo aprovado');
    expect(html).toContain('Carregando modelos…');
    expect(html).not.toContain('aria-label="Mensagem"');
    expect(html).toContain('Nota privada</button>');
  });
});
