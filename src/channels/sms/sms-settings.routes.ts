import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, principalOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses } from '../../http/schemas.js';
import { TwilioCredentialsSchema, ZenviaCredentialsSchema } from './sms-credentials.js';
import type { SmsSettingsService } from './sms-settings.service.js';

const SmsSettingsSchema = z
  .object({
    provider: z.enum(['twilio', 'zenvia', 'simulator']).nullable(),
    sender: z.string().nullable(),
    configured: z.boolean(),
    status_callback_url: z.string().nullable(),
  })
  .meta({ id: 'SmsSettings' });

// A phone number in E.164, an alphanumeric sender id (up to 11 characters) or a Messaging Service SID.
const TwilioSenderSchema = z
  .string({ error: 'sender: informe o remetente' })
  .trim()
  .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/, {
    error:
      'sender: use um número em E.164 (+5511…), um remetente alfanumérico de até 11 caracteres ou um MG… (Messaging Service)',
  });

const BodySchema = z.discriminatedUnion(
  'provider',
  [
    z.strictObject({
      provider: z.literal('twilio'),
      sender: TwilioSenderSchema,
      credentials: TwilioCredentialsSchema.optional(),
    }),
    z.strictObject({
      provider: z.literal('zenvia'),
      sender: z
        .string({ error: 'sender: informe o remetente da Zenvia' })
        .trim()
        .min(1, { error: 'sender: informe o remetente da Zenvia' })
        .max(100),
      credentials: ZenviaCredentialsSchema.optional(),
    }),
    z.strictObject({
      provider: z.literal('simulator'),
      sender: z.string().trim().min(1).max(11).nullish(),
    }),
  ],
  { error: 'provider: use twilio, zenvia ou simulator' },
);

/** An account's SMS gateway (administrators): credentials are write-only. */
export async function smsSettingsRoutes(app: FastifyInstance, deps: { settings: SmsSettingsService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Notificações: SMS'];

  api.get(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Provedor de SMS da conta (administradores)',
        description: 'As credenciais nunca são mostradas; `configured` diz se estão salvas e legíveis.',
        params: AccountParamsSchema,
        response: { 200: SmsSettingsSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => deps.settings.view(accountOf(request).id),
  );

  api.put(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Configurar o provedor de SMS (administradores)',
        description:
          'Twilio: `credentials: {account_sid, auth_token}`; Zenvia: `credentials: {api_token}`. Sem `credentials`, as já salvas para o mesmo provedor são mantidas.',
        params: AccountParamsSchema,
        body: BodySchema,
        response: { 200: SmsSettingsSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      deps.settings.update(
        { accountId: accountOf(request).id, userId: principalOf(request).userId, ip: request.ip },
        request.body,
      ),
  );
}
