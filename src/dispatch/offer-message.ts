import type { Interactive } from '../channels/whatsapp/outbound-payload.js';
import { formatLocalDateTime } from '../crm/events/event-time.js';
import { formatReais } from '../shared/money.js';
import { offerPayload } from './replies/offer-payload.js';

/** What an offer tells the provider: the event, the service, the pay. Times in the business time zone. */
export interface OfferDetails {
  title: string;
  startsAt: Date;
  location: Record<string, unknown>;
  service: string;
  payCents: number | null;
  expiresAt: Date;
}

/** "Rua das Flores, 10 - Centro - São Paulo/SP" from the event's location (empty when none). */
export function eventPlace(location: Record<string, unknown>): string {
  const part = (key: string) => (typeof location[key] === 'string' ? (location[key] as string).trim() : '');
  const street = [part('address'), part('number')].filter(Boolean).join(', ');
  const city = [part('city'), part('state')].filter(Boolean).join('/');
  return [street, part('district'), city].filter(Boolean).join(' - ');
}

/** "Festa da Maria, 07/06/2025 19:00, Rua das Flores, 10 - Centro - São Paulo/SP, Garçom, R$ 250,00" */
export function offerSummary(offer: Omit<OfferDetails, 'expiresAt'>, timeZone: string): string {
  return [
    offer.title,
    formatLocalDateTime(offer.startsAt, timeZone),
    eventPlace(offer.location),
    offer.service,
    offer.payCents === null ? '' : formatReais(offer.payCents),
  ]
    .filter(Boolean)
    .join(', ');
}

/** The offer as reply buttons (inside the 24-hour window) and as a short SMS. */
export function offerContent(
  offer: OfferDetails,
  answer: { assignmentId: number; token: string },
  timeZone: string,
): { interactive: Interactive; sms: string } {
  const summary = offerSummary(offer, timeZone);
  const deadline = formatLocalDateTime(offer.expiresAt, timeZone);
  return {
    interactive: {
      type: 'button',
      header: 'Oferta de trabalho',
      body: `${summary}\n\nVocê aceita? Responda até ${deadline}.`.slice(0, 1024),
      buttons: [
        { id: offerPayload(answer.assignmentId, answer.token, 'accept'), title: 'Aceitar' },
        { id: offerPayload(answer.assignmentId, answer.token, 'decline'), title: 'Recusar' },
      ],
    },
    sms: `Oferta de trabalho: ${summary}. Responda ACEITO ou NAO pelo WhatsApp até ${deadline}.`,
  };
}

/** Answers sent to a provider after a reply (kind offer_reply). */
export const OFFER_REPLIES = {
  accepted: (offer: Omit<OfferDetails, 'expiresAt' | 'payCents'>, timeZone: string) =>
    `Confirmado! Você está na escala de ${offer.service} em "${offer.title}", ${formatLocalDateTime(offer.startsAt, timeZone)}${
      eventPlace(offer.location) ? `, ${eventPlace(offer.location)}` : ''
    }. Obrigado!`,
  declined: 'Tudo bem, obrigado por avisar! Fica para a próxima.',
  filled: 'Obrigado! Essa vaga já foi preenchida.',
  busy: (other: { title: string; startsAt: Date }, timeZone: string) =>
    `Obrigado! Você já está escalado(a) em "${other.title}" (${formatLocalDateTime(other.startsAt, timeZone)}), no mesmo horário, então não podemos confirmar esta vaga.`,
  staffed: (offer: { service: string; title: string }) =>
    `Obrigado pelo interesse! As vagas de ${offer.service} em "${offer.title}" já foram preenchidas.`,
  unavailable: 'Essa oferta não está mais disponível.',
  repeated: 'Sua resposta já foi registrada. Obrigado!',
} as const;
