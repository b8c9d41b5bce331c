import { z } from 'zod';

/**
 * The outer shape of a Cloud API webhook: `{object, entry: [{id, changes: [{field, value}]}]}`.
 * Values stay loose records here: every item inside is read on its own, so one odd item never loses
 * the others.
 */
const RecordSchema = z.record(z.string(), z.unknown());

export const WebhookEnvelopeSchema = z.object({
  object: z.string(),
  entry: z
    .array(
      z.object({
        id: z.union([z.string(), z.number()]).transform(String).optional(),
        changes: z.array(z.object({ field: z.string(), value: RecordSchema })).default([]),
      }),
    )
    .min(1),
});

export type WebhookEnvelope = z.infer<typeof WebhookEnvelopeSchema>;

export const MetadataSchema = z.object({
  phone_number_id: z.union([z.string(), z.number()]).transform(String),
  display_phone_number: z.union([z.string(), z.number()]).transform(String).optional(),
});

export const ContactSchema = z.object({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  profile: z.object({ name: z.string().optional() }).partial().optional(),
});

export const ErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string()]).transform(String),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).partial().optional(),
});

export type CloudError = z.infer<typeof ErrorSchema>;

export const StatusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  timestamp: z.union([z.string(), z.number()]).optional(),
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  errors: z.array(ErrorSchema).optional(),
});

/** The phone numbers (ids and display numbers) a payload talks about, to route it to an inbox. */
export function phoneNumbersIn(
  envelope: WebhookEnvelope,
): Array<{ phoneNumberId: string; displayPhoneNumber?: string }> {
  const found = new Map<string, { phoneNumberId: string; displayPhoneNumber?: string }>();
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      const metadata = MetadataSchema.safeParse(change.value.metadata);
      if (metadata.success) {
        found.set(metadata.data.phone_number_id, {
          phoneNumberId: metadata.data.phone_number_id,
          displayPhoneNumber: metadata.data.display_phone_number,
        });
      }
    }
  }
  return [...found.values()];
}
