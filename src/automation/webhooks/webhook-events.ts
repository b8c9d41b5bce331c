/** Chatwoot's webhook event names (payloads in Chatwoot's shapes). */
export const CHATWOOT_WEBHOOK_EVENTS = [
  'conversation_created',
  'conversation_status_changed',
  'conversation_updated',
  'message_created',
  'message_updated',
  'contact_created',
  'contact_updated',
  // Accepted so Chatwoot configurations import unchanged; Santana has no web widget or typing events.
  'webwidget_triggered',
  'conversation_typing_on',
  'conversation_typing_off',
] as const;

/** Santana's own events (CRM events, provider offers, notifications), signed and delivered the same way. */
export const SANTANA_WEBHOOK_EVENTS = [
  'event_created',
  'event_updated',
  'event_rescheduled',
  'event_confirmed',
  'event_cancelled',
  'event_deleted',
  'assignment_created',
  'assignment_accepted',
  'assignment_declined',
  'assignment_withdrawn',
  'offer_expired',
  'notification_sent',
  'notification_failed',
] as const;

/** Every event name an administrator may subscribe a webhook to. */
export const WEBHOOK_EVENTS = [...CHATWOOT_WEBHOOK_EVENTS, ...SANTANA_WEBHOOK_EVENTS] as const;

export type ChatwootWebhookEvent = (typeof CHATWOOT_WEBHOOK_EVENTS)[number];
export type SantanaWebhookEvent = (typeof SANTANA_WEBHOOK_EVENTS)[number];
