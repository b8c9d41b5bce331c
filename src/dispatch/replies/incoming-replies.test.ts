import { describe, expect, it } from 'vitest';
import { incomingReplyOf } from './incoming-replies.js';

describe('incomingReplyOf', () => {
  it('takes an interactive button reply carrying an offer id', () => {
    expect(
      incomingReplyOf({
        content_type: 'interactive_reply',
        content_attributes: { interactive: { type: 'button_reply', id: 'offer:1:abcdefgh:accept', title: 'Aceitar' } },
      }),
    ).toEqual({ kind: 'payload', payload: 'offer:1:abcdefgh:accept' });
  });

  it('takes a template quick reply carrying an offer payload', () => {
    expect(
      incomingReplyOf({
        content_type: 'button_reply',
        content_attributes: { button: { payload: 'offer:1:abcdefgh:decline', text: 'Recusar' } },
      }),
    ).toEqual({ kind: 'payload', payload: 'offer:1:abcdefgh:decline' });
  });

  it('takes a short plain text, leaving the offer lookup to the handler', () => {
    expect(incomingReplyOf({ content_type: 'text', whatsapp_type: 'text', content: ' sim ' })).toEqual({
      kind: 'text',
      text: 'sim',
    });
  });

  it('ignores other buttons, long texts and media captions', () => {
    expect(
      incomingReplyOf({
        content_type: 'interactive_reply',
        content_attributes: { interactive: { type: 'button_reply', id: 'menu:1' } },
      }),
    ).toBeNull();
    expect(incomingReplyOf({ content_type: 'text', whatsapp_type: 'text', content: 'x'.repeat(101) })).toBeNull();
    expect(incomingReplyOf({ content_type: 'text', whatsapp_type: 'image', content: 'ok' })).toBeNull();
  });
});
