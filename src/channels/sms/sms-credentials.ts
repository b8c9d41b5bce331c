import { z } from 'zod';
import type { SecretBox } from '../../shared/crypto.js';

/** Twilio: the Account SID (AC + 32 hex) and its auth token, which also signs status callbacks. */
export const TwilioCredentialsSchema = z.strictObject({
  account_sid: z
    .string()
    .trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, { error: 'o Account SID começa com AC seguido de 32 caracteres hexadecimais' }),
  auth_token: z.string().trim().min(16, { error: 'informe o auth token do Twilio' }).max(200),
});

/** Zenvia: an API token from its API console (sent as X-API-TOKEN). */
export const ZenviaCredentialsSchema = z.strictObject({
  api_token: z.string().trim().min(8, { error: 'informe o token da API da Zenvia' }).max(500),
});

export type TwilioCredentials = z.infer<typeof TwilioCredentialsSchema>;
export type ZenviaCredentials = z.infer<typeof ZenviaCredentialsSchema>;

/** Stored sealed with SECRET_KEY_BASE (like an inbox's), never returned by the API. */
export function sealSmsCredentials(box: SecretBox, credentials: TwilioCredentials | ZenviaCredentials): string {
  return box.encrypt(JSON.stringify(credentials));
}

/** The credentials, or null when they cannot be read (e.g. SECRET_KEY_BASE changed). */
export function openSmsCredentials<T>(box: SecretBox, sealed: string | null, schema: z.ZodType<T>): T | null {
  if (!sealed) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(box.decrypt(sealed)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
