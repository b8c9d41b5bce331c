import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebhookEnvelopeSchema } from './webhook-envelope.js';
import { extractEvents, type InboundEvent } from './webhook-events.js';

const FIXTURES = new URL('../../../test/fixtures/whatsapp/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));
const eventsOf = (name: string): InboundEvent[] => extractEvents(WebhookEnvelopeSchema.parse(fixture(name)));
const onlyMessage = (name: string) => {
  const [event] = eventsOf(name);
  if (event?.kind !== 'message') throw new Error(`${name}: expected a message, got ${event?.kind}`);
  return event.message;
};

describe('extractEvents over every fixture', () => {
  const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.json'));

  it.each(files)('%s yields at least one event and never throws', (file) => {
    const events = eventsOf(file.replace(/\.json$/, ''));
    expect(events.length).toBeGreaterThan(0);
  });
});

describe('messages', () => {
  it('reads text with the sender contact and profile name', () => {
    const [event] = eventsOf('pywa__message__text');
    expect(event).toMatchObject({
      kind: 'message',
      metadata: { phoneNumberId: '1122334455667', displayPhoneNumber: '972123456789' },
      contact: { waId: '972987654321', userId: 'US.13491208655302741918', profileName: 'Test Name' },
      message: { wamid: 'wamid.xyzxyz', contentType: 'text', content: 'Body Text' },
    });
  });

  it('cuts a profile name longer than the contacts API accepts, never in the middle of an emoji', () => {
    const payload = fixture('pywa__message__text');
    const long = `${'a'.repeat(254)}😀 and more`;
    payload.entry[0].changes[0].value.contacts[0].profile.name = long;
    const [event] = extractEvents(WebhookEnvelopeSchema.parse(payload));
    expect(event?.kind === 'message' && event.contact.profileName).toBe('a'.repeat(254));
  });

  it('keeps media as an attachment to download, with caption and voice flag', () => {
    expect(onlyMessage('pywa__message__image')).toMatchObject({
      contentType: 'image',
      attachments: [{ fileType: 'image' }],
    });
    expect(onlyMessage('pywa__message__voice')).toMatchObject({
      contentType: 'audio',
      contentAttributes: { voice: true },
    });
    expect(onlyMessage('pywa__message__document').attachments[0]).toMatchObject({ fileType: 'file' });
    expect(onlyMessage('pywa__message__animated_sticker')).toMatchObject({
      contentType: 'sticker',
      contentAttributes: { animated: true },
    });
  });

  it('infers location and contacts when older payloads omit the type', () => {
    expect(onlyMessage('metadocs__location_messages__location_no_type_field')).toMatchObject({
      type: 'location',
      contentType: 'location',
    });
    expect(onlyMessage('metadocs__contact_messages__contacts_no_type_field')).toMatchObject({
      type: 'contacts',
      contentType: 'contacts',
      content: 'CONTACT_FORMATTED_NAME',
    });
  });

  it('reads interactive replies, template quick replies and flows', () => {
    expect(onlyMessage('pywa__callback_button__button')).toMatchObject({
      contentType: 'interactive_reply',
      contentAttributes: { interactive: { type: 'button_reply' } },
      replyToWamid: expect.any(String),
    });
    expect(onlyMessage('pywa__callback_selection__description').contentAttributes.interactive).toMatchObject({
      type: 'list_reply',
    });
    expect(onlyMessage('pywa__callback_button__quick_reply')).toMatchObject({
      contentType: 'button_reply',
      contentAttributes: { button: { payload: expect.any(String) } },
    });
    const flow = onlyMessage('pywa__flow_completion__completion');
    expect(flow.contentAttributes.interactive).toMatchObject({ type: 'nfm_reply', response: { delivery_rating: '4' } });
  });

  it('accepts a message that carries only from_user_id', () => {
    const [event] = eventsOf('pywa__callback_button__quick_reply_without_context');
    expect(event).toMatchObject({ kind: 'message', contact: { userId: 'US.13491208655302741918' } });
  });

  it('keeps forwarded markers, reply context and click-to-WhatsApp ad data', () => {
    expect(onlyMessage('pywa__message__forwarded').contentAttributes.forwarded).toBe(true);
    expect(onlyMessage('pywa__message__forwarded_many_times').contentAttributes.frequently_forwarded).toBe(true);
    expect(onlyMessage('pywa__message__reply').replyToWamid).toBeTruthy();
    expect(onlyMessage('pywa__message__referral').contentAttributes.referral).toMatchObject({
      source_id: 'ADID',
      ctwa_clid: 'CTWA_CLID',
    });
  });

  it('stores unknown and unsupported types as "mensagem não suportada" with their errors', () => {
    for (const name of [
      'pywa__message__unsupported',
      'metadocs__unknown_message__unknown',
      'pywa__message__interactive_message_with_err',
    ]) {
      const message = onlyMessage(name);
      expect(message.contentType, name).toBe('unsupported');
      expect(message.content).toBe('mensagem não suportada');
    }
    expect(onlyMessage('pywa__message__unsupported').contentAttributes.errors).toEqual([
      expect.objectContaining({ code: 131051 }),
    ]);
  });

  it('reads an order and a system message', () => {
    expect(onlyMessage('pywa__message__order').contentAttributes.order).toMatchObject({
      catalog_id: '354160437058781',
    });
    expect(onlyMessage('pywa__system__phone_number_change')).toMatchObject({
      type: 'system',
      contentType: 'system',
      contentAttributes: { system: { type: 'user_changed_number', wa_id: '972912345678' } },
    });
  });
});

describe('reactions, revokes and edits', () => {
  it('turns reactions into reaction events, an empty or missing emoji removing it', () => {
    expect(eventsOf('pywa__message__reaction')[0]).toMatchObject({
      kind: 'reaction',
      targetWamid: 'wamid.yzxyzx=',
      emoji: '😮',
    });
    expect(eventsOf('pywa__message__unreaction_empty')[0]).toMatchObject({ kind: 'reaction', emoji: null });
    expect(eventsOf('pywa__message__unreaction_no_emoji')[0]).toMatchObject({ kind: 'reaction', emoji: null });
  });

  it('reads revokes and edits with the message they change', () => {
    expect(eventsOf('pywa__deleted_message__revoke')[0]).toMatchObject({
      kind: 'revoke',
      targetWamid: '<ORIGINAL_WHATSAPP_MESSAGE_ID>',
    });
    expect(eventsOf('pywa__edited_message__image')[0]).toMatchObject({
      kind: 'edit',
      edited: { contentType: 'image', content: 'Updated image caption' },
    });
  });
});

describe('statuses and other fields', () => {
  it('reads statuses with their errors', () => {
    expect(eventsOf('pywa__message_status__failed')[0]).toMatchObject({
      kind: 'status',
      status: 'failed',
      wamid: 'wamid.xyzxyz',
      errors: [{ code: '130472', title: "User's number is part of an experiment" }],
    });
    expect(eventsOf('pywa__message_status__played')[0]).toMatchObject({ kind: 'status', status: 'played' });
  });

  it('records value-level errors, template status updates, preferences and echoes', () => {
    expect(eventsOf('metadocs__errors_webhook_value_errors_130429')).toContainEqual(
      expect.objectContaining({ kind: 'channel_event', eventKind: 'errors' }),
    );
    expect(eventsOf('pywa__template_status_update__approved')[0]).toMatchObject({
      kind: 'channel_event',
      eventKind: 'template_status',
    });
    expect(eventsOf('pywa__user_marketing_preferences__signup')[0]).toMatchObject({
      kind: 'channel_event',
      eventKind: 'user_preferences',
    });
    expect(eventsOf('pywa__outgoing_message__text')[0]).toMatchObject({
      kind: 'echo',
      message: { content: 'Test message' },
    });
  });
});
