import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../../shared/i18n';
import type { Attachment, Message } from '../inbox.api';
import { inboxMessages } from '../inbox.messages';
import { MessageBubble, PendingBubble } from './MessageBubble';
import { type InboxT, previewOf } from './message-kinds';

const t: InboxT = (key, vars) => interpolate(inboxMessages['pt-BR'][key], vars);

function message(overrides: Partial<Message> = {}): Message {
  return {
    id: 1,
    content: 'Olá',
    conversation_id: 7,
    inbox_id: 1,
    message_type: 0,
    content_type: 'text',
    content_attributes: {},
    created_at: 1_760_000_000,
    updated_at: null,
    private: false,
    status: 'sent',
    whatsapp_status: 'received',
    source_id: 'wamid.1',
    sender_type: 'Contact',
    sender_id: 3,
    sender: { name: 'Maria' },
    attachments: [],
    reactions: [],
    error: null,
    ...overrides,
  };
}

function attachment(overrides: Partial<Attachment> = {}): Attachment {
  return {
    id: 9,
    message_id: 1,
    file_type: 'image',
    extension: 'jpg',
    data_url: '/api/v1/accounts/1/attachments/9',
    thumb_url: '/api/v1/accounts/1/attachments/9',
    file_size: 2048,
    file_name: 'foto.jpg',
    mime_type: 'image/jpeg',
    status: 'ready',
    error: null,
    sticker: false,
    ...overrides,
  };
}

const render = (m: Message, extra: Partial<Parameters<typeof MessageBubble>[0]> = {}) =>
  renderToStaticMarkup(<MessageBubble message={m} t={t} {...extra} />);

describe('MessageBubble', () => {
  it('renders chat content as escaped text, never as HTML', () => {
    const html = render(message({ content: '<img src=x onerror=alert(1)>' }));
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });

  it('turns links into anchors that open safely in a new tab', () => {
    const html = render(message({ content: 'Veja https://exemplo.com.br/festa, e www.santana.dev.' }));
    expect(html).toContain(
      '<a href="https://exemplo.com.br/festa" target="_blank" rel="noopener noreferrer">https://exemplo.com.br/festa</a>',
    );
    expect(html).toContain('href="https://www.santana.dev"');
    expect(html).not.toContain('festa,</a>');
  });

  it('does not make javascript: links clickable', () => {
    expect(render(message({ content: 'javascript:alert(1)' }))).not.toContain('href=');
  });

  it('puts incoming messages on the left, outgoing on the right and notes in yellow with "Nota privada"', () => {
    expect(render(message())).toContain('class="msg msg-in"');
    expect(render(message({ message_type: 1, whatsapp_status: 'sent' }))).toContain('class="msg msg-out"');
    const note = render(message({ message_type: 1, private: true }));
    expect(note).toContain('class="msg msg-note"');
    expect(note).toContain('Nota privada');
  });

  it('renders activity lines centred, without a bubble', () => {
    const html = render(message({ message_type: 2, content: 'Conversa atribuída a Ana' }));
    expect(html).toContain('class="msg-activity"');
    expect(html).toContain('Conversa atribuída a Ana');
  });

  it.each([
    ['queued', 'enviando'],
    ['sent', 'enviado'],
    ['delivered', 'entregue'],
    ['read', 'lido'],
    ['played', 'lido'],
    ['failed', 'falhou'],
  ])('names the %s ticks "%s"', (status, label) => {
    const html = render(message({ message_type: 1, whatsapp_status: status }));
    expect(html).toContain(`role="img" aria-label="${label}"`);
  });

  it('shows why a send failed and offers to try again', () => {
    const html = render(
      message({
        message_type: 1,
        whatsapp_status: 'failed',
        error: { code: '131026', title: 'Undeliverable', details: null, reason: 'Não foi possível entregar.' },
      }),
      { onRetry: () => undefined },
    );
    expect(html).toContain('Não foi possível entregar.');
    expect(html).toContain('Tentar novamente');
  });

  it('does not offer to retry a failure only a template can fix (closed window)', () => {
    const html = render(
      message({
        message_type: 1,
        whatsapp_status: 'failed',
        error: { code: '131047', title: null, details: null, reason: 'A janela de 24 horas está fechada.' },
      }),
      { onRetry: () => undefined },
    );
    expect(html).toContain('A janela de 24 horas está fechada.');
    expect(html).not.toContain('Tentar novamente');
  });

  it('shows an image as a thumbnail button that opens the lightbox', () => {
    const html = render(message({ content_type: 'image', content: null, attachments: [attachment()] }));
    expect(html).toContain('<button type="button" class="msg-image">');
    expect(html).toContain('src="/api/v1/accounts/1/attachments/9"');
    expect(html).toContain('Ampliar imagem');
  });

  it('plays audio and voice notes with a player', () => {
    const html = render(
      message({
        content_type: 'audio',
        content: null,
        content_attributes: { voice: true },
        attachments: [attachment({ file_type: 'audio', file_name: null })],
      }),
    );
    expect(html).toContain('<audio controls=""');
    expect(html).toContain('Mensagem de voz');
  });

  it('plays video with a player', () => {
    const html = render(message({ content_type: 'video', attachments: [attachment({ file_type: 'video' })] }));
    expect(html).toContain('<video class="msg-video" controls=""');
  });

  it('offers documents for download with their name and size', () => {
    const html = render(
      message({
        content_type: 'file',
        content: null,
        attachments: [attachment({ file_type: 'file', file_name: 'contrato.pdf', file_size: 3 * 1024 * 1024 })],
      }),
    );
    expect(html).toContain('download="contrato.pdf"');
    expect(html).toContain('contrato.pdf');
    expect(html).toContain('3,0 MB');
  });

  it('shows stickers as images without a lightbox', () => {
    const html = render(message({ content_type: 'sticker', attachments: [attachment({ sticker: true })] }));
    expect(html).toContain('class="msg-sticker"');
    expect(html).toContain('alt="Figurinha"');
  });

  it('says "baixando…" while media downloads and "mídia indisponível" with the reason when it failed', () => {
    expect(render(message({ attachments: [attachment({ status: 'pending', data_url: null })] }))).toContain(
      'baixando…',
    );
    const failed = render(
      message({ attachments: [attachment({ status: 'failed', data_url: null, error: 'Mídia expirou' })] }),
    );
    expect(failed).toContain('mídia indisponível: Mídia expirou');
  });

  it('shows a location with a map link', () => {
    const html = render(
      message({
        content_type: 'location',
        content: 'Buffet Alegria — Rua A, 10',
        content_attributes: {
          location: { latitude: -23.55, longitude: -46.63, name: 'Buffet Alegria', address: 'Rua A, 10' },
        },
      }),
    );
    expect(html).toContain('Buffet Alegria');
    expect(html).toContain('Rua A, 10');
    expect(html).toContain('href="https://www.google.com/maps?q=-23.55,-46.63"');
    expect(html).toContain('Abrir no mapa');
  });

  it('lists shared contacts with their phones', () => {
    const html = render(
      message({
        content_type: 'contacts',
        content_attributes: {
          contacts: [{ name: { formatted_name: 'Chandler Bing' }, phones: [{ phone: '+1 555-555-5555' }] }],
        },
      }),
    );
    expect(html).toContain('Chandler Bing');
    expect(html).toContain('+1 555-555-5555');
  });

  it('shows the title of a button or list reply', () => {
    const button = render(
      message({
        content_type: 'interactive_reply',
        content: 'Este mês',
        content_attributes: { interactive: { type: 'button_reply', id: 'mes', title: 'Este mês' } },
      }),
    );
    expect(button).toContain('Resposta de botão');
    expect(button).toContain('Este mês');
    const list = render(
      message({
        content_type: 'interactive_reply',
        content_attributes: { interactive: { type: 'list_reply', title: 'Casamento', description: 'até 200' } },
      }),
    );
    expect(list).toContain('Resposta de lista');
    expect(list).toContain('Casamento');
  });

  it('shows a template quick-reply button', () => {
    const html = render(
      message({ content_type: 'button_reply', content_attributes: { button: { text: 'Confirmar', payload: 'ok' } } }),
    );
    expect(html).toContain('Resposta rápida');
    expect(html).toContain('Confirmar');
  });

  it('summarises an order', () => {
    const html = render(
      message({
        content_type: 'order',
        content: 'Pedido',
        content_attributes: {
          order: {
            product_items: [
              { product_retailer_id: 'BOLO', quantity: 2, item_price: 50, currency: 'BRL' },
              { product_retailer_id: 'DOCE', quantity: 1, item_price: 10, currency: 'BRL' },
            ],
          },
        },
      }),
    );
    expect(html).toContain('2 itens');
    expect(html).toContain('R$');
    expect(html).toContain('BOLO');
  });

  it('marks messages that came from an ad', () => {
    const html = render(
      message({
        content_attributes: { referral: { headline: 'Festa junina', source_url: 'https://fb.com/ad/1' } },
      }),
    );
    expect(html).toContain('Veio de um anúncio');
    expect(html).toContain('Festa junina');
    expect(html).toContain('href="https://fb.com/ad/1"');
  });

  it('shows a template with its rendered text and name', () => {
    const html = render(
      message({
        message_type: 3,
        whatsapp_status: 'sent',
        content: 'Olá Maria, seu evento é amanhã.',
        content_attributes: { template: { name: 'lembrete_evento', language: 'pt_BR', components: [] } },
      }),
    );
    expect(html).toContain('Modelo “lembrete_evento”');
    expect(html).toContain('Olá Maria, seu evento é amanhã.');
  });

  it('shows reactions on their message', () => {
    const html = render(message({ reactions: [{ emoji: '👍', reactor_type: 'contact', reactor_id: 3 }] }));
    expect(html).toContain('aria-label="👍 de contato"');
  });

  it('quotes the message being answered, or says it is not loaded', () => {
    const original = message({ id: 5, content: 'Qual o preço?' });
    const reply = message({ id: 6, content_attributes: { in_reply_to: 5 } });
    expect(render(reply, { quoted: original })).toContain('Qual o preço?');
    expect(render(reply, { quoted: null })).toContain('uma mensagem anterior');
  });

  it('marks forwarded, edited and deleted messages', () => {
    expect(render(message({ content_attributes: { forwarded: true } }))).toContain('Encaminhada');
    expect(render(message({ content_attributes: { edited: true } }))).toContain('editada');
    const deleted = render(message({ content: null, content_attributes: { deleted: true } }));
    expect(deleted).toContain('mensagem apagada');
  });

  it('says when a message type is not supported', () => {
    const html = render(
      message({ content_type: 'unsupported', content: null, content_attributes: { whatsapp_type: 'poll' } }),
    );
    expect(html).toContain('mensagem não suportada (poll)');
  });

  it('shows a pending message, then its failure with a retry', () => {
    const pending = { tempId: 't1', content: 'Oi!', private: false, createdAt: Date.now() };
    expect(renderToStaticMarkup(<PendingBubble pending={pending} t={t} />)).toContain('aria-label="enviando"');
    const failed = renderToStaticMarkup(
      <PendingBubble pending={{ ...pending, error: 'Sem conexão.', retry: () => undefined }} t={t} />,
    );
    expect(failed).toContain('Sem conexão.');
    expect(failed).toContain('Tentar novamente');
  });
});

describe('previewOf', () => {
  it('describes media and never shows private notes', () => {
    expect(previewOf(message({ attachments: [attachment()], content: null }), t)).toBe('📷 Foto');
    expect(previewOf(message({ attachments: [attachment({ file_type: 'audio' })], content: null }), t)).toBe(
      '🎤 Áudio',
    );
    expect(previewOf(message({ private: true, content: 'segredo' }), t)).toBe('Sem mensagens');
    expect(previewOf(message({ content: 'Oi' }), t)).toBe('Oi');
  });
});
