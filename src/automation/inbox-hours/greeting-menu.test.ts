import { describe, expect, it } from 'vitest';
import { matchMenuAnswer, menuMessage } from './greeting-menu.js';

const MENU = [
  { key: '1', title: 'Orçamento de evento' },
  { key: '2', title: 'Falar com atendente' },
  { key: '3', title: 'Sou prestador' },
];

describe('greeting menu', () => {
  it('matches the key alone, padded, leading the text, or the title typed out', () => {
    for (const content of ['1', ' 1 ', '1 - Orçamento de evento', '1.', '1)', 'orcamento de evento']) {
      expect(matchMenuAnswer(MENU, { content })?.key, content).toBe('1');
    }
  });

  it('matches the list row the contact tapped', () => {
    expect(matchMenuAnswer(MENU, { content: 'Sou prestador', listReplyId: 'menu:3' })?.key).toBe('3');
  });

  it('does not match other answers', () => {
    for (const content of ['4', 'oi', '10 pessoas', '', 'quero 1 orçamento']) {
      expect(matchMenuAnswer(MENU, { content }), content).toBeNull();
    }
    expect(matchMenuAnswer(MENU, { content: null, listReplyId: 'offer:1:x:accept' })).toBeNull();
  });

  it('is a WhatsApp list when the options fit one', () => {
    const message = menuMessage('Olá! Bem-vindo.', MENU);
    expect(message.content).toBe('Olá! Bem-vindo.');
    expect(message.interactive).toMatchObject({
      type: 'list',
      body: 'Olá! Bem-vindo.',
      sections: [{ rows: [{ id: 'menu:1', title: 'Orçamento de evento' }, { id: 'menu:2' }, { id: 'menu:3' }] }],
    });
  });

  it('is numbered text when a title is too long for a list row', () => {
    const message = menuMessage('Olá!', [...MENU, { key: '4', title: 'Trabalhe conosco como fornecedor' }]);
    expect(message.interactive).toBeUndefined();
    expect(message.content).toBe(
      'Olá!\n\n1 - Orçamento de evento\n2 - Falar com atendente\n3 - Sou prestador\n4 - Trabalhe conosco como fornecedor',
    );
  });
});
