import { describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../settings.api';
import { canRedeliver, describeEvent, WEBHOOK_EVENTS, webhookFormFrom, webhookPayload } from './webhook-events';

describe('webhook events', () => {
  it('explains every event Santana sends, in Portuguese and in English', () => {
    for (const event of WEBHOOK_EVENTS) {
      expect(describeEvent(event)).not.toBe(event);
      expect(describeEvent(event, 'en')).not.toBe(describeEvent(event));
    }
    expect(describeEvent('message_created')).toMatch(/^Mensagem criada/);
    expect(describeEvent('evento_novo')).toBe('evento_novo');
  });

  it('subscribes a new webhook to every event by default', () => {
    expect(webhookFormFrom(null).subscriptions).toEqual([...WEBHOOK_EVENTS]);
  });

  it('maps the form to the API: trimmed URL, null name, events in a stable order, optional inbox', () => {
    expect(
      webhookPayload({
        url: ' https://n8n.example.com/webhook/abc ',
        name: '  ',
        subscriptions: ['contact_updated', 'conversation_typing_on', 'message_created'],
        inboxId: '',
      }),
    ).toEqual({
      url: 'https://n8n.example.com/webhook/abc',
      name: null,
      subscriptions: ['message_created', 'contact_updated', 'conversation_typing_on'],
      inbox_id: null,
    });
    expect(webhookPayload({ url: 'http://x', name: 'n8n', subscriptions: [], inboxId: '3' })).toMatchObject({
      name: 'n8n',
      inbox_id: 3,
    });
  });

  it('offers Reenviar only for failed deliveries', () => {
    const delivery = { status: 'failed' } as WebhookDelivery;
    expect(canRedeliver(delivery)).toBe(true);
    expect(canRedeliver({ ...delivery, status: 'delivered' })).toBe(false);
    expect(canRedeliver({ ...delivery, status: 'pending' })).toBe(false);
  });
});
