import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import { crmActorOf } from './actor.js';
import { InstantOut, iso } from './crm-schemas.js';
import type { Stage } from './stages.repo.js';
import type { StagesService } from './stages.service.js';

export const StageSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    position: z.number(),
    probability: z.number().meta({ description: 'Chance de fechar, 0 a 100 (%)' }),
    is_won: z.boolean(),
    is_lost: z.boolean(),
    created_at: InstantOut,
    updated_at: InstantOut,
  })
  .meta({ id: 'PipelineStage' });

export const serializeStage = (stage: Stage) => ({
  id: stage.id,
  name: stage.name,
  position: stage.position,
  probability: stage.probability,
  is_won: stage.is_won,
  is_lost: stage.is_lost,
  created_at: iso(stage.created_at),
  updated_at: iso(stage.updated_at),
});

const fields = {
  name: z.string().trim().min(1, { error: 'name: informe o nome da etapa' }).max(100),
  position: z.number({ error: 'position deve ser um número' }).int().min(0).max(10_000),
  probability: z
    .number({ error: 'probability deve ser um número' })
    .int()
    .min(0, { error: 'probability vai de 0 a 100' })
    .max(100, { error: 'probability vai de 0 a 100' }),
  is_won: z.boolean(),
  is_lost: z.boolean(),
};
const CreateStageSchema = z.strictObject({
  name: fields.name,
  position: fields.position.optional().meta({ description: 'Sem ela, a etapa vai para o fim do funil' }),
  probability: fields.probability.optional(),
  is_won: fields.is_won.optional(),
  is_lost: fields.is_lost.optional(),
});
const UpdateStageSchema = z.strictObject({
  name: fields.name.optional(),
  position: fields.position.optional(),
  probability: fields.probability.optional(),
  is_won: fields.is_won.optional(),
  is_lost: fields.is_lost.optional(),
});
const StageParams = idParam('id');

/** Pipeline stages: everyone reads them; administrators shape the funnel. */
export async function pipelineStagesRoutes(app: FastifyInstance, deps: { stages: StagesService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['CRM: funil de vendas'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar as etapas do funil, em ordem',
        description:
          'Uma conta sem etapas recebe o funil padrão na primeira consulta: Novo, Qualificado, Proposta, Negociação, Ganho e Perdido.',
        params: AccountParamsSchema,
        response: { 200: z.object({ payload: z.array(StageSchema) }), ...errorResponses(401, 404) },
      },
    },
    async (request) => ({ payload: (await deps.stages.list(accountOf(request).id)).map(serializeStage) }),
  );

  api.post(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Criar etapa (administradores)',
        params: AccountParamsSchema,
        body: CreateStageSchema,
        response: { 201: StageSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(serializeStage(await deps.stages.create(crmActorOf(request), request.body))),
  );

  api.patch(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Alterar etapa (administradores)',
        params: StageParams,
        body: UpdateStageSchema,
        response: { 200: StageSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => serializeStage(await deps.stages.update(crmActorOf(request), request.params.id, request.body)),
  );

  api.delete(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir etapa (administradores; recusado com 409 enquanto houver negócios nela)',
        params: StageParams,
        response: { 204: z.null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deps.stages.remove(crmActorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
