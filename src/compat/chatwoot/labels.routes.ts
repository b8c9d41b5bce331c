import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { LabelsService } from '../../inbox/labels.service.js';
import { serializeLabel } from './serializers.js';

const LabelSchema = z
  .object({
    id: z.number(),
    title: z.string(),
    description: z.string(),
    color: z.string(),
    show_on_sidebar: z.boolean(),
  })
  .meta({ id: 'ChatwootLabel' });

const LabelFieldsSchema = z.strictObject({
  title: z.string().max(100, { error: 'no máximo 100 caracteres' }).meta({
    description: 'Guardado em minúsculas; letras (inclusive acentuadas), números, "-" e "_"',
  }),
  description: z.string().trim().max(1000).optional(),
  color: z
    .string()
    .trim()
    .regex(/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i, { error: 'cor em hexadecimal, ex.: #1f93ff' })
    .optional(),
  show_on_sidebar: z.boolean().optional(),
});

const LabelParamsSchema = idParam('label_id');

/** Chatwoot's labels. Renaming or deleting one updates the conversations and contacts that carry it. */
export async function chatwootLabelsRoutes(app: FastifyInstance, deps: { labels: LabelsService }) {
  const { labels } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Etiquetas (compatível com Chatwoot)'];
  const admin = { preHandler: requireAdministrator };

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar etiquetas',
        params: AccountParamsSchema,
        response: { 200: z.object({ payload: z.array(LabelSchema) }), ...errorResponses(401, 404) },
      },
    },
    async (request) => ({ payload: (await labels.list(accountOf(request).id)).map(serializeLabel) }),
  );

  api.post(
    '/',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Criar etiqueta (administradores)',
        params: AccountParamsSchema,
        body: LabelFieldsSchema,
        response: { 200: LabelSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => serializeLabel(await labels.create(accountOf(request).id, request.body)),
  );

  api.get(
    '/:label_id',
    {
      schema: {
        tags,
        summary: 'Ver uma etiqueta',
        params: LabelParamsSchema,
        response: { 200: LabelSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => serializeLabel(await labels.get(accountOf(request).id, request.params.label_id)),
  );

  api.patch(
    '/:label_id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Alterar uma etiqueta; um título novo vale também nas conversas e contatos (administradores)',
        params: LabelParamsSchema,
        body: LabelFieldsSchema.partial(),
        response: { 200: LabelSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      serializeLabel(await labels.update(accountOf(request).id, request.params.label_id, request.body)),
  );

  api.delete(
    '/:label_id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Excluir uma etiqueta e tirá-la das conversas e contatos (administradores)',
        params: LabelParamsSchema,
        response: {
          200: z.null().meta({ description: 'Corpo vazio, como no Chatwoot' }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await labels.remove(accountOf(request).id, request.params.label_id);
      return reply.code(200).send(null);
    },
  );
}
