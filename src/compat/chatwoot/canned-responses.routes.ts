import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { CannedResponsesService } from '../../inbox/canned-responses.service.js';
import { serializeCannedResponse } from './serializers.js';

const CannedResponseSchema = z
  .object({
    id: z.number(),
    account_id: z.number(),
    short_code: z.string(),
    content: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'ChatwootCannedResponse' });

const CannedFieldsSchema = z.strictObject({
  short_code: z
    .string()
    .trim()
    .min(1, { error: 'informe o atalho' })
    .max(100)
    .regex(/^\S+$/, { error: 'o atalho não pode ter espaços' }),
  content: z
    .string()
    .trim()
    .min(1, { error: 'informe o texto' })
    .max(4096, { error: 'no máximo 4096 caracteres (limite do WhatsApp)' })
    .meta({ description: 'Pode conter variáveis como {{contact.name}}, preenchidas no envio' }),
});

const CannedParamsSchema = idParam('canned_response_id');

/** Chatwoot's canned responses: reads for every agent, changes for administrators. */
export async function chatwootCannedResponsesRoutes(
  app: FastifyInstance,
  deps: { cannedResponses: CannedResponsesService },
) {
  const { cannedResponses } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Respostas prontas (compatível com Chatwoot)'];
  const admin = { preHandler: requireAdministrator };

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar respostas prontas (search busca no atalho e no texto)',
        params: AccountParamsSchema,
        querystring: z.object({ search: z.string().max(200).optional() }),
        response: { 200: z.array(CannedResponseSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) =>
      (await cannedResponses.list(accountOf(request).id, request.query.search)).map(serializeCannedResponse),
  );

  api.post(
    '/',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Criar resposta pronta (administradores)',
        params: AccountParamsSchema,
        body: CannedFieldsSchema,
        response: { 200: CannedResponseSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => serializeCannedResponse(await cannedResponses.create(accountOf(request).id, request.body)),
  );

  for (const method of ['patch', 'put'] as const) {
    api[method](
      '/:canned_response_id',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Alterar resposta pronta (administradores)',
          params: CannedParamsSchema,
          body: CannedFieldsSchema.partial(),
          response: { 200: CannedResponseSchema, ...errorResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) =>
        serializeCannedResponse(
          await cannedResponses.update(accountOf(request).id, request.params.canned_response_id, request.body),
        ),
    );
  }

  api.delete(
    '/:canned_response_id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Excluir resposta pronta (administradores)',
        params: CannedParamsSchema,
        response: {
          200: z.null().meta({ description: 'Corpo vazio, como no Chatwoot' }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await cannedResponses.remove(accountOf(request).id, request.params.canned_response_id);
      return reply.code(200).send(null);
    },
  );
}
