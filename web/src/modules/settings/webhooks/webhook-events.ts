import type { Locale } from '../../../shared/i18n';
import type { Webhook, WebhookDelivery, WebhookPayload } from '../settings.api';

/** The Chatwoot events Santana sends (src/automation/webhooks/webhook-dispatcher.ts), in menu order. */
export const WEBHOOK_EVENTS = [
  'message_created',
  'message_updated',
  'conversation_created',
  'conversation_status_changed',
  'conversation_updated',
  'contact_created',
  'contact_updated',
] as const;

const DESCRIPTIONS: Record<Locale, Record<string, string>> = {
  'pt-BR': {
    message_created: 'Mensagem criada: chegou uma mensagem do cliente ou o time enviou uma (inclui notas privadas).',
    message_updated: 'Mensagem atualizada: mudou a situação (enviada, entregue, lida, falhou) ou o conteúdo.',
    conversation_created: 'Conversa criada: um cliente escreveu pela primeira vez ou uma conversa nova foi aberta.',
    conversation_status_changed: 'Situação da conversa alterada: aberta, pendente, resolvida ou adiada.',
    conversation_updated: 'Conversa atualizada: responsável, time, marcadores, prioridade ou atributos mudaram.',
    contact_created: 'Contato criado: um número novo apareceu ou alguém cadastrou um contato.',
    contact_updated: 'Contato atualizado: nome, telefone, e-mail ou atributos mudaram.',
    webwidget_triggered: 'Widget do site aberto (do Chatwoot; o Santana não envia).',
    conversation_typing_on: 'Agente começou a digitar (do Chatwoot; o Santana não envia).',
    conversation_typing_off: 'Agente parou de digitar (do Chatwoot; o Santana não envia).',
  },
  en: {
    message_created: 'Message created: a customer message arrived or the team sent one (private notes included).',
    message_updated: 'Message updated: its status (sent, delivered, read, failed) or content changed.',
    conversation_created: 'Conversation created: a customer wrote for the first time or a new conversation was opened.',
    conversation_status_changed: 'Conversation status changed: open, pending, resolved or snoozed.',
    conversation_updated: 'Conversation updated: assignee, team, labels, priority or attributes changed.',
    contact_created: 'Contact created: a new number appeared or someone added a contact.',
    contact_updated: 'Contact updated: name, phone, e-mail or attributes changed.',
    webwidget_triggered: 'Website widget opened (Chatwoot’s; Santana does not send it).',
    conversation_typing_on: 'Agent started typing (Chatwoot’s; Santana does not send it).',
    conversation_typing_off: 'Agent stopped typing (Chatwoot’s; Santana does not send it).',
  },
};

/** What an event means, in the administrator's language; an unknown name is shown as it is. */
export function describeEvent(event: string, locale: Locale = 'pt-BR'): string {
  return DESCRIPTIONS[locale][event] ?? event;
}

export interface WebhookFormValues {
  name: string;
  url: string;
  subscriptions: string[];
  /** '' for every inbox. */
  inboxId: string;
}

export function webhookFormFrom(webhook: Webhook | null): WebhookFormValues {
  if (!webhook) return { name: '', url: '', subscriptions: [...WEBHOOK_EVENTS], inboxId: '' };
  return {
    name: webhook.name,
    url: webhook.url,
    subscriptions: webhook.subscriptions,
    inboxId: webhook.inbox_id ? String(webhook.inbox_id) : '',
  };
}

/** The form as the API wants it: events in a stable order (known first, then any kept from Chatwoot). */
export function webhookPayload(values: WebhookFormValues): WebhookPayload {
  const chosen = new Set(values.subscriptions);
  const known = WEBHOOK_EVENTS.filter((event) => chosen.has(event));
  const others = values.subscriptions.filter((event) => !(WEBHOOK_EVENTS as readonly string[]).includes(event));
  return {
    url: values.url.trim(),
    name: values.name.trim() || null,
    subscriptions: [...known, ...new Set(others)],
    inbox_id: values.inboxId ? Number(values.inboxId) : null,
  };
}

/** Only failed deliveries can be sent again (the API answers 409 for the others). */
export const canRedeliver = (delivery: WebhookDelivery) => delivery.status === 'failed';
