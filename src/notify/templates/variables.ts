import type { EventStatus } from '../../db/schema.js';
import { firstName } from '../../inbox/message-variables.js';
import type { ValueKind } from './filters.js';

/** A person a template can name: the recipient (contact), the event's client, the assignment's provider. */
export interface PersonValues {
  name: string;
  phone: string | null;
  email: string | null;
}

/**
 * What a notification's variables refer to. A root is null when the notification has nothing for it
 * (a reminder without an assignment has no `assignment`); its variables then render empty.
 */
export interface RenderContext {
  account: { name: string };
  contact: PersonValues;
  client: PersonValues | null;
  provider: PersonValues | null;
  event: {
    title: string;
    starts_at: Date;
    ends_at: Date;
    /** One line from the event's location: "Rua das Flores, 10 - Centro - São Paulo/SP". */
    address: string;
    city: string;
    value_cents: number | null;
    service: string | null;
    status: EventStatus;
  } | null;
  assignment: { service: string; starts_at: Date } | null;
  /** The assignment as an offer to a provider; null when it was not offered (no token). */
  offer: { expires_at: Date | null; accept_payload: string; decline_payload: string } | null;
}

export type VariableRoot = keyof RenderContext;
type Value = string | number | Date | null;

interface VariableDefinition {
  description: string;
  kind: ValueKind;
  /** The filter applied when the template names none (`{{event.date}}` is a date, `{{event.time}}` an hour). */
  defaultFilter?: 'data' | 'hora' | 'data_hora' | 'moeda';
  read: (context: RenderContext) => Value | undefined;
}

const EVENT_STATUS_LABELS: Record<EventStatus, string> = {
  scheduled: 'agendado',
  confirmed: 'confirmado',
  done: 'realizado',
  cancelled: 'cancelado',
};

/** What a preview shows for whatever it was not given (no event chosen, no assignment…). */
export const EXAMPLE_CONTEXT: RenderContext = {
  account: { name: 'Santana Eventos' },
  contact: { name: 'Maria Silva', phone: '+5511987654321', email: 'maria@example.com' },
  client: { name: 'Maria Silva', phone: '+5511987654321', email: 'maria@example.com' },
  provider: { name: 'João Santos', phone: '+5511912345678', email: null },
  event: {
    title: 'Casamento Silva',
    starts_at: new Date('2030-06-08T22:00:00Z'),
    ends_at: new Date('2030-06-09T04:00:00Z'),
    address: 'Rua das Flores, 10 - Centro - São Paulo/SP',
    city: 'São Paulo',
    value_cents: 150_000,
    service: 'Buffet',
    status: 'confirmed',
  },
  assignment: { service: 'Garçom', starts_at: new Date('2030-06-08T21:00:00Z') },
  offer: {
    expires_at: new Date('2030-06-01T15:30:00Z'),
    accept_payload: 'offer:123:exemplo:accept',
    decline_payload: 'offer:123:exemplo:decline',
  },
};

const person = (
  root: 'contact' | 'client' | 'provider',
  who: string,
  fields: Array<'name' | 'first_name' | 'phone' | 'email'>,
): Record<string, VariableDefinition> => {
  const labels = { name: 'Nome completo', first_name: 'Primeiro nome', phone: 'Telefone', email: 'E-mail' };
  const read = {
    name: (values: PersonValues) => values.name,
    first_name: (values: PersonValues) => firstName(values.name),
    phone: (values: PersonValues) => values.phone,
    email: (values: PersonValues) => values.email,
  };
  return Object.fromEntries(
    fields.map((field) => [
      `${root}.${field}`,
      {
        description: `${labels[field]} ${who}`,
        kind: 'text',
        read: (context: RenderContext) => {
          const values = context[root];
          return values ? read[field](values) : undefined;
        },
      } satisfies VariableDefinition,
    ]),
  );
};

const fromEvent =
  <T extends Value>(pick: (event: NonNullable<RenderContext['event']>) => T) =>
  (context: RenderContext) =>
    context.event ? pick(context.event) : undefined;

/** Every variable a notification template may use, with what it means and an example (the editor's catalog). */
export const VARIABLES: Record<string, VariableDefinition> = {
  ...person('client', 'do cliente', ['name', 'first_name', 'phone', 'email']),
  ...person('provider', 'do prestador', ['name', 'first_name', 'phone']),
  ...person('contact', 'de quem recebe a mensagem', ['name', 'first_name', 'phone']),
  'event.title': { description: 'Título do evento', kind: 'text', read: fromEvent((e) => e.title) },
  'event.date': {
    description: 'Data de início do evento',
    kind: 'instant',
    defaultFilter: 'data',
    read: fromEvent((e) => e.starts_at),
  },
  'event.time': {
    description: 'Hora de início do evento',
    kind: 'instant',
    defaultFilter: 'hora',
    read: fromEvent((e) => e.starts_at),
  },
  'event.starts_at': {
    description: 'Início do evento (data e hora)',
    kind: 'instant',
    defaultFilter: 'data_hora',
    read: fromEvent((e) => e.starts_at),
  },
  'event.ends_at': {
    description: 'Fim do evento (data e hora)',
    kind: 'instant',
    defaultFilter: 'data_hora',
    read: fromEvent((e) => e.ends_at),
  },
  'event.address': {
    description: 'Endereço do evento em uma linha',
    kind: 'text',
    read: fromEvent((e) => e.address),
  },
  'event.city': { description: 'Cidade do evento', kind: 'text', read: fromEvent((e) => e.city) },
  'event.value': {
    description: 'Valor do evento',
    kind: 'money',
    defaultFilter: 'moeda',
    read: fromEvent((e) => e.value_cents),
  },
  'event.service': {
    description: 'Tipo de serviço do evento',
    kind: 'text',
    read: fromEvent((e) => e.service),
  },
  'event.status': {
    description: 'Situação do evento (agendado, confirmado, realizado, cancelado)',
    kind: 'text',
    read: fromEvent((e) => EVENT_STATUS_LABELS[e.status]),
  },
  'assignment.service': {
    description: 'Serviço da escala do prestador',
    kind: 'text',
    read: (context) => context.assignment?.service,
  },
  'assignment.starts_at': {
    description: 'Início da escala do prestador (data e hora)',
    kind: 'instant',
    defaultFilter: 'data_hora',
    read: (context) => context.assignment?.starts_at,
  },
  'offer.expires_at': {
    description: 'Prazo para o prestador responder à oferta',
    kind: 'instant',
    defaultFilter: 'data_hora',
    read: (context) => (context.offer ? context.offer.expires_at : undefined),
  },
  'offer.accept_payload': {
    description: 'Identificador do botão "Aceitar" da oferta (use em button_payloads)',
    kind: 'text',
    read: (context) => context.offer?.accept_payload,
  },
  'offer.decline_payload': {
    description: 'Identificador do botão "Recusar" da oferta (use em button_payloads)',
    kind: 'text',
    read: (context) => context.offer?.decline_payload,
  },
  'account.name': {
    description: 'Nome da empresa',
    kind: 'text',
    read: (context) => context.account.name,
  },
};

export const variableDefinition = (path: string): VariableDefinition | undefined =>
  Object.hasOwn(VARIABLES, path) ? VARIABLES[path] : undefined;
