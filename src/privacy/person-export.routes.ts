import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ContactParams } from '../crm/pipeline/crm-schemas.js';
import { accountOf, principalOf, requireAdministrator } from '../http/request-context.js';
import { errorResponses } from '../http/schemas.js';
import { PERSON_EXPORT_FORMAT, type PersonExport } from './person-export.service.js';

/** GET /contacts/:id/export: everything about one person, as a JSON file (LGPD: access and portability). */
export async function personExportRoutes(app: FastifyInstance, deps: { personExport: PersonExport }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/:id/export',
    {
      preHandler: requireAdministrator,
      schema: {
        tags: ['Contatos: LGPD'],
        summary: 'Exportar os dados de uma pessoa (administradores)',
        description:
          'Um arquivo JSON com tudo o que a conta guarda sobre a pessoa: contato e identidades no WhatsApp, ' +
          'consentimentos, perfis de cliente e prestador, a linha do tempo inteira (eventos, escalas, negócios, ' +
          'atividades, notas, notificações) e todas as conversas com todas as mensagens (anexos com o endereço ' +
          `de download). Formato "${PERSON_EXPORT_FORMAT}". Cada exportação fica registrada no log de auditoria. ` +
          'Para apagar a pessoa: DELETE /contacts/:id.',
        params: ContactParams,
        response: {
          200: z
            .looseObject({
              format: z.literal(PERSON_EXPORT_FORMAT),
              exported_at: z.string(),
              account_id: z.number(),
              contact: z.looseObject({ id: z.number() }),
              consents: z.looseObject({}),
              crm: z.object({ client: z.looseObject({}).nullable(), provider: z.looseObject({}).nullable() }),
              timeline: z.array(z.looseObject({ kind: z.string() })),
              conversations: z.array(z.looseObject({ messages: z.array(z.looseObject({})) })),
            })
            .meta({ id: 'PersonExport' }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const account = accountOf(request);
      const document = await deps.personExport.export(
        { accountId: account.id, userId: principalOf(request).userId, ip: request.ip },
        request.params.id,
      );
      const day = document.exported_at.slice(0, 10);
      return reply
        .header('content-disposition', `attachment; filename="contato-${request.params.id}-${day}.json"`)
        .header('cache-control', 'no-store')
        .send(document);
    },
  );
}
