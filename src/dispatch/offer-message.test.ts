import { describe, expect, it } from 'vitest';
import { eventPlace, OFFER_REPLIES, offerContent } from './offer-message.js';

const TZ = 'America/Sao_Paulo';
const offer = {
  title: 'Casamento Ana & Bruno',
  // 22:30 UTC is 19:30 in São Paulo.
  startsAt: new Date('2030-06-07T22:30:00Z'),
  location: { address: 'Rua das Flores', number: '10', district: 'Centro', city: 'São Paulo', state: 'SP' },
  service: 'Garçom',
  payCents: 123456,
  expiresAt: new Date('2030-06-01T15:00:00Z'),
};

describe('offerContent', () => {
  it('shows event, date and time in São Paulo, place, service and pay in reais', () => {
    const { interactive, sms } = offerContent(offer, { assignmentId: 9, token: 'tok_tok_tok' }, TZ);
    expect(interactive.body).toContain(
      'Casamento Ana & Bruno, 07/06/2030 19:30, Rua das Flores, 10 - Centro - São Paulo/SP, Garçom, R$ 1.234,56',
    );
    expect(interactive.body).toContain('Responda até 01/06/2030 12:00');
    expect(sms).toContain('Garçom');
  });

  it('carries the offer and its token in the Aceitar / Recusar button ids', () => {
    const { interactive } = offerContent(offer, { assignmentId: 9, token: 'tok_tok_tok' }, TZ);
    expect(interactive.type === 'button' && interactive.buttons).toEqual([
      { id: 'offer:9:tok_tok_tok:accept', title: 'Aceitar' },
      { id: 'offer:9:tok_tok_tok:decline', title: 'Recusar' },
    ]);
  });

  it('leaves pay and place out when there are none', () => {
    const { interactive } = offerContent(
      { ...offer, payCents: null, location: {} },
      { assignmentId: 1, token: 'x' },
      TZ,
    );
    expect(interactive.body.split('\n')[0]).toBe('Casamento Ana & Bruno, 07/06/2030 19:30, Garçom');
  });
});

describe('offer texts', () => {
  it('confirms with the event details', () => {
    expect(OFFER_REPLIES.accepted(offer, TZ)).toBe(
      'Confirmado! Você está na escala de Garçom em "Casamento Ana & Bruno", 07/06/2030 19:30, Rua das Flores, 10 - Centro - São Paulo/SP. Obrigado!',
    );
  });

  it('formats a place from partial locations', () => {
    expect(eventPlace({ city: 'Santos' })).toBe('Santos');
    expect(eventPlace({ address: 'Av. Brasil', state: 'RJ' })).toBe('Av. Brasil - RJ');
  });
});
