import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { InboxAccess } from '../../inbox/inbox-access.js';
import { crmActorOf } from '../pipeline/actor.js';
import { CRM_PER_PAGE, InstantOut, iso } from '../pipeline/crm-schemas.js';
import {
  BoardQuerySchema,
  BoardSchema,
  CreateDealSchema,
  DealListQuerySchema,
  DealListSchema,
  DealSchema,
  LostBodySchema,
  serializeDeal,
  UpdateDealSchema,
} from './deal-schemas.js';
import type { DealsService } from './deals.service.js';

const DealParams = idParam('id');

const filterOf = (query: z.infer<typeof BoardQuerySchema> | z.infer<typeof DealListQuerySchema>) => ({
  stageId: query.stage_id,
  ownerId: query.owner_id,
  contactId: query.contact_id,
  status: query.status,
});

/** Deals and the pipeline board; agents create and move deals, administrators delete them. */
export async function dealsRoutes(app: FastifyInstance, deps: { deals: DealsService; access: InboxAccess }) {
  const { deals } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['CRM: funil de vendas'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar negócios (25 por página, os alterados por último primeiro)',
        params: AccountParamsSchema,
        querystring: DealListQuerySchema,
        response: { 200: DealListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { page } = request.query;
      const result = await deals.list(accountOf(request).id, filterOf(request.query), page, CRM_PER_PAGE);
      return { meta: { count: result.count, current_page: page }, payload: result.rows.map(serializeDeal) };
    },
  );

  api.get(
    '/board',
    {
      schema: {
        tags,
        summary: 'Quadro kanban: cada etapa com total de negócios, soma dos valores e os negócios mais recentes',
        params: AccountParamsSchema,
        querystring: BoardQuerySchema,
        response: { 200: BoardSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const columns = await deals.board(accountOf(request).id, filterOf(request.query), request.query.per_stage);
      return {
        payload: columns.map((column) => ({
          stage: {
            id: column.stage.id,
            name: column.stage.name,
            position: column.stage.position,
            probability: column.stage.probability,
            is_won: column.stage.is_won,
            is_lost: column.stage.is_lost,
          },
          count: column.count,
          value_cents: column.valueCents,
          deals: column.deals.map(serializeDeal),
        })),
      };
    },
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Criar negócio',
        params: AccountParamsSchema,
        body: CreateDealSchema,
        response: { 201: DealSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) => {
      const deal = await deals.create(crmActorOf(request), await deps.access.scopeOf(request), request.body);
      return reply.code(201).send(serializeDeal(deal));
    },
  );

  api.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Ver negócio',
        params: DealParams,
        response: { 200: DealSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => serializeDeal(await deals.show(accountOf(request).id, request.params.id)),
  );

  api.get(
    '/:id/stage_changes',
    {
      schema: {
        tags,
        summary: 'Etapas por que o negócio passou, da mais antiga à mais recente',
        params: DealParams,
        response: {
          200: z.object({
            payload: z.array(
              z.object({
                id: z.number(),
                from_stage_id: z.number().nullable(),
                to_stage_id: z.number().nullable(),
                user_id: z.number().nullable(),
                at: InstantOut,
              }),
            ),
          }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => ({
      payload: (await deals.stageChanges(accountOf(request).id, request.params.id)).map(
        ({ created_at, ...change }) => ({
          ...change,
          at: iso(created_at),
        }),
      ),
    }),
  );

  api.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Alterar negócio ou movê-lo de etapa (etapas de ganho/perda definem o status)',
        params: DealParams,
        body: UpdateDealSchema,
        response: { 200: DealSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) =>
      serializeDeal(
        await deals.update(crmActorOf(request), await deps.access.scopeOf(request), request.params.id, request.body),
      ),
  );

  api.post(
    '/:id/won',
    {
      schema: {
        tags,
        summary: 'Marcar como ganho (vai para a etapa de ganho)',
        params: DealParams,
        response: { 200: DealSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => serializeDeal(await deals.won(crmActorOf(request), request.params.id)),
  );

  api.post(
    '/:id/lost',
    {
      schema: {
        tags,
        summary: 'Marcar como perdido, com o motivo (vai para a etapa de perda)',
        params: DealParams,
        body: LostBodySchema,
        response: { 200: DealSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => serializeDeal(await deals.lost(crmActorOf(request), request.params.id, request.body?.reason)),
  );

  api.delete(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir negócio (administradores)',
        params: DealParams,
        response: { 204: z.null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deals.remove(crmActorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
