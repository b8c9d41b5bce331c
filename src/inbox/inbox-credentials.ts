import { z } from 'zod';
import type { Inbox } from '../db/schema.js';
import { randomToken, type SecretBox } from '../shared/crypto.js';

/** What a WhatsApp Cloud inbox needs to talk to Meta; stored sealed with SECRET_KEY_BASE, never returned. */
export const WhatsAppCredentialsSchema = z.object({
  access_token: z.string().min(1),
  app_secret: z.string().min(1),
  verify_token: z.string().min(1),
  /** Graph API base for this inbox (the built-in simulator's fake, or Meta's). */
  graph_url: z.string().url().optional(),
});

export type WhatsAppCredentials = z.infer<typeof WhatsAppCredentialsSchema>;

export function sealCredentials(box: SecretBox, credentials: WhatsAppCredentials): string {
  return box.encrypt(JSON.stringify(WhatsAppCredentialsSchema.parse(credentials)));
}

export function openCredentials(box: SecretBox, inbox: Pick<Inbox, 'credentials'>): WhatsAppCredentials | null {
  if (!inbox.credentials) return null;
  try {
    return WhatsAppCredentialsSchema.parse(JSON.parse(box.decrypt(inbox.credentials)));
  } catch {
    return null;
  }
}

/** A verify token for Meta's webhook handshake when the administrator did not choose one. */
export const generateVerifyToken = () => randomToken('santana_', 24);
