import { z } from 'zod';

/** A time with its offset ("2025-06-07T19:00:00-03:00" or "…Z"); without one it would be ambiguous. */
export const OffsetDateTimeSchema = z.iso
  .datetime({
    offset: true,
    error: 'use data e hora ISO 8601 com fuso horário, ex.: 2025-06-07T19:00:00-03:00',
  })
  .transform((value) => new Date(value));

/** A service type by name ("Garçom") or id. */
export const ServiceRefSchema = z.union([
  z.number().int().positive(),
  z.string().trim().min(1, { error: 'informe o serviço' }).max(100),
]);

export const EVENT_STATUSES = ['scheduled', 'confirmed', 'done', 'cancelled'] as const;
export const EventStatusSchema = z.enum(EVENT_STATUSES);

const text = (max: number) => z.string().trim().max(max);

export const LocationSchema = z
  .strictObject({
    address: text(300).optional(),
    number: text(30).optional(),
    complement: text(200).optional(),
    district: text(120).optional(),
    city: text(120).optional(),
    state: text(60).optional(),
    zip: text(20).optional(),
    notes: text(1000).optional(),
  })
  .meta({ id: 'EventLocation' });

export const StaffingInputSchema = z
  .array(
    z.strictObject({
      service: ServiceRefSchema,
      quantity: z
        .number()
        .int({ error: 'quantity deve ser inteiro' })
        .min(1, { error: 'quantity deve ser ao menos 1' })
        .max(500),
    }),
  )
  .max(30);

const ValueCentsSchema = z
  .number()
  .int({ error: 'value_cents deve ser inteiro (centavos)' })
  .min(0, { error: 'value_cents não pode ser negativo' })
  .max(Number.MAX_SAFE_INTEGER);

export const CreateEventSchema = z.strictObject({
  title: z.string().trim().min(1, { error: 'informe o título' }).max(200),
  client_id: z.number().int().positive(),
  starts_at: OffsetDateTimeSchema,
  ends_at: OffsetDateTimeSchema,
  service_type: ServiceRefSchema.optional(),
  location: LocationSchema.optional(),
  value_cents: ValueCentsSchema.optional(),
  notes: text(5000).optional(),
  staffing: StaffingInputSchema.optional(),
  conversation_id: z.number().int().positive().optional().meta({
    description: 'Número (display_id) da conversa de onde veio a reserva.',
  }),
});
export type CreateEventInput = z.infer<typeof CreateEventSchema>;

export const UpdateEventSchema = z.strictObject({
  title: CreateEventSchema.shape.title.optional(),
  client_id: z.number().int().positive().optional(),
  starts_at: OffsetDateTimeSchema.optional(),
  ends_at: OffsetDateTimeSchema.optional(),
  service_type: ServiceRefSchema.nullable().optional(),
  location: LocationSchema.optional(),
  value_cents: ValueCentsSchema.nullable().optional(),
  notes: text(5000).optional(),
  staffing: StaffingInputSchema.optional().meta({ description: 'Substitui todas as vagas do evento.' }),
  conversation_id: z.number().int().positive().nullable().optional(),
  status: EventStatusSchema.optional().meta({
    description: 'scheduled → confirmed → done; cancelled a partir de scheduled ou confirmed.',
  }),
});
export type UpdateEventInput = z.infer<typeof UpdateEventSchema>;

export const EventListQuerySchema = z.object({
  from: OffsetDateTimeSchema.optional().meta({ description: 'Eventos que terminam depois deste instante.' }),
  to: OffsetDateTimeSchema.optional().meta({ description: 'Eventos que começam antes deste instante.' }),
  status: EventStatusSchema.optional(),
  client_id: z.coerce.number().int().positive().optional(),
  provider_id: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(50),
});
export type EventListQuery = z.infer<typeof EventListQuerySchema>;

const HOLD_STATUSES = ['assigned', 'offered', 'accepted', 'declined', 'expired', 'withdrawn', 'cancelled'] as const;

export const AssignmentSchema = z
  .object({
    id: z.number(),
    event_id: z.number(),
    provider_id: z.number(),
    provider_name: z.string(),
    service: z.string(),
    service_type_id: z.number(),
    status: z.enum(HOLD_STATUSES),
    starts_at: z.string(),
    ends_at: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'Assignment' });

export const StaffingSchema = z
  .object({ service: z.string(), service_type_id: z.number(), quantity: z.number(), filled: z.number() })
  .meta({ id: 'EventStaffing' });

export const EventSchema = z
  .object({
    id: z.number(),
    title: z.string(),
    client_id: z.number(),
    client: z.object({
      id: z.number(),
      contact_id: z.number(),
      name: z.string(),
      phone_number: z.string().nullable(),
      email: z.string().nullable(),
    }),
    service_type: z.object({ id: z.number(), name: z.string() }).nullable(),
    starts_at: z.string(),
    ends_at: z.string(),
    status: EventStatusSchema,
    location: z.record(z.string(), z.unknown()),
    value_cents: z.number().nullable(),
    notes: z.string(),
    conversation_id: z.number().nullable().meta({ description: 'display_id da conversa de origem' }),
    conversation: z.object({ id: z.number(), inbox_id: z.number(), contact_id: z.number() }).nullable(),
    staffing: z.array(StaffingSchema),
    assignments: z.array(AssignmentSchema),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Event' });
export type EventView = z.infer<typeof EventSchema>;

const ListMetaSchema = z.object({ count: z.number(), current_page: z.number() });

export const EventListSchema = z.object({ meta: ListMetaSchema, payload: z.array(EventSchema) });

/**
 * An event as the calendar and the events list draw it (Odoo's calendar also reads only the fields it
 * shows): a month holds hundreds of events, and their assignments, location and notes are a page away.
 */
export const EventSummarySchema = EventSchema.pick({
  id: true,
  title: true,
  client_id: true,
  service_type: true,
  starts_at: true,
  ends_at: true,
  status: true,
  value_cents: true,
  staffing: true,
  updated_at: true,
})
  .extend({ client: z.object({ id: z.number(), name: z.string() }) })
  .meta({ id: 'EventSummary' });
export type EventSummary = z.infer<typeof EventSummarySchema>;

export const EventSummaryListSchema = z.object({ meta: ListMetaSchema, payload: z.array(EventSummarySchema) });
