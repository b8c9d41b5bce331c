import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ContactParams, InstantOut, isoOrNull } from '../../crm/pipeline/crm-schemas.js';
import { accountOf, principalOf } from '../../http/request-context.js';
import { errorResponses } from '../../http/schemas.js';
import type { Consents } from './consents.repo.js';
import type { ConsentActor, ConsentsService } from './consents.service.js';

const ConsentStateSchema = z.object({
  status: z.enum(['opted_in', 'opted_out', 'unknown']),
  at: InstantOut.nullable().meta({ description: 'Quando foi dado ou retirado (null: nunca registrado)' }),
  source: z
    .string()
    .nullable()
    .meta({ description: 'Como: keyword (SAIR/VOLTAR), agent, api, whatsapp_131050, sms_21610, default' }),
});

export const ConsentsSchema = z
  .object({ marketing: ConsentStateSchema, notifications: ConsentStateSchema })
  .meta({ id: 'ContactConsents' });

const decision = (field: string) =>
  z.enum(['opted_in', 'opted_out'], { error: `${field} deve ser opted_in ou opted_out` }).optional();

const ConsentsBodySchema = z
  .strictObject({ marketing: decision('marketing'), notifications: decision('notifications') })
  .refine((body) => body.marketing !== undefined || body.notifications !== undefined, {
    error: 'informe marketing e/ou notifications',
  });

const serialize = (consents: Consents) => ({
  marketing: { ...consents.marketing, at: isoOrNull(consents.marketing.at) },
  notifications: { ...consents.notifications, at: isoOrNull(consents.notifications.at) },
});

/** The browser's session (and the token derived from it) is an attendant; a personal token is an integration. */
function consentActorOf(request: FastifyRequest): ConsentActor {
  const principal = principalOf(request);
  return {
    accountId: accountOf(request).id,
    userId: principal.userId,
    ip: request.ip,
    source: principal.sessionId === null ? 'api' : 'agent',
  };
}

/** GET|PUT /contacts/:id/consents: marketing and automated notifications, with when and how. */
export async function consentsRoutes(app: FastifyInstance, deps: { consents: ConsentsService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Notificações: consentimentos'];

  api.get(
    '/:id/consents',
    {
      schema: {
        tags,
        summary: 'Consentimentos do contato (marketing e notificações automáticas)',
        description:
          'Sem registro, marketing é unknown (precisa de autorização) e notificações é opted_in. SAIR, PARAR, CANCELAR, STOP ou DESCADASTRAR no WhatsApp retiram os dois; VOLTAR os devolve.',
        params: ContactParams,
        response: { 200: ConsentsSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => serialize(await deps.consents.show(accountOf(request).id, request.params.id)),
  );

  api.put(
    '/:id/consents',
    {
      schema: {
        tags,
        summary: 'Registrar consentimentos do contato',
        description:
          'Origem agent (atendente no app) ou api (token pessoal de integração); cada mudança vai para o log de auditoria.',
        params: ContactParams,
        body: ConsentsBodySchema,
        response: { 200: ConsentsSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => serialize(await deps.consents.update(consentActorOf(request), request.params.id, request.body)),
  );
}
