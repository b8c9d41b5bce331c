import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { crmActorOf } from '../../crm/pipeline/actor.js';
import {
  CRM_PER_PAGE,
  InstantOut,
  idIn,
  instantIn,
  iso,
  isoOrNull,
  listOf,
  pageQuery,
} from '../../crm/pipeline/crm-schemas.js';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { BroadcastsService } from './broadcasts.service.js';

const STATUSES = ['scheduled', 'queued', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'skipped'] as const;

export const BroadcastSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    label: z.string(),
    template: z.object({ id: z.number(), name: z.string().nullable() }),
    status: z.enum(['scheduled', 'running', 'done', 'cancelled']),
    scheduled_at: InstantOut,
    started_at: InstantOut.nullable(),
    finished_at: InstantOut.nullable(),
    recipients: z.number().nullable().meta({
      description: 'Contatos com a etiqueta e autorização de marketing (estimativa enquanto agendada)',
    }),
    excluded: z.number().nullable().meta({ description: 'Contatos com a etiqueta sem autorização de marketing' }),
    counts: z
      .object(
        Object.fromEntries(STATUSES.map((status) => [status, z.number()])) as Record<
          (typeof STATUSES)[number],
          z.ZodNumber
        >,
      )
      .meta({ description: 'Notificações da transmissão por status' }),
    reason: z.string().nullable(),
    created_by: z.number().nullable(),
    created_at: InstantOut,
  })
  .meta({ id: 'Broadcast' });

type BroadcastView = Awaited<ReturnType<BroadcastsService['show']>>;

const serialize = ({ broadcast, recipients, excluded, counts }: BroadcastView) => ({
  id: broadcast.id,
  name: broadcast.name,
  label: broadcast.label,
  template: { id: broadcast.template_id, name: broadcast.template_name },
  status: broadcast.status,
  scheduled_at: iso(broadcast.scheduled_at),
  started_at: isoOrNull(broadcast.started_at),
  finished_at: isoOrNull(broadcast.finished_at),
  recipients,
  excluded,
  counts: Object.fromEntries(STATUSES.map((status) => [status, counts[status] ?? 0])) as Record<
    (typeof STATUSES)[number],
    number
  >,
  reason: broadcast.reason,
  created_by: broadcast.created_by,
  created_at: iso(broadcast.created_at),
});

const CreateBroadcastSchema = z.strictObject({
  name: z
    .string({ error: 'name: informe o nome da transmissão' })
    .trim()
    .min(1, { error: 'name: informe o nome da transmissão' })
    .max(200, { error: 'name: no máximo 200 caracteres' }),
  label: z
    .string({ error: 'label: informe a etiqueta dos destinatários' })
    .trim()
    .min(1, { error: 'label: informe a etiqueta dos destinatários' })
    .max(255, { error: 'label: no máximo 255 caracteres' }),
  template_id: idIn('template_id'),
  scheduled_at: instantIn('scheduled_at').optional(),
});

const Params = idParam('id');

/** Broadcasts: a marketing template sent to every contact with a label who opted in to marketing. */
export async function broadcastsRoutes(app: FastifyInstance, deps: { broadcasts: BroadcastsService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Notificações: transmissões'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar transmissões (mais recentes primeiro, 25 por página)',
        params: AccountParamsSchema,
        querystring: z.object({ page: pageQuery }),
        response: { 200: listOf(BroadcastSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { page } = request.query;
      const result = await deps.broadcasts.list(accountOf(request).id, page, CRM_PER_PAGE);
      return { meta: { count: result.count, current_page: page }, payload: result.broadcasts.map(serialize) };
    },
  );

  api.post(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Criar uma transmissão (administradores)',
        description:
          'Envia o modelo (categoria marketing, senão 422) a cada contato com a etiqueta que autorizou marketing, em scheduled_at (padrão: agora). Os demais contam como excluded. Uma transmissão em andamento por conta (409) e no máximo 10.000 destinatários (422).',
        params: AccountParamsSchema,
        body: CreateBroadcastSchema,
        response: { 201: BroadcastSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { name, label, template_id: templateId, scheduled_at: scheduledAt } = request.body;
      const created = await deps.broadcasts.create(crmActorOf(request), { name, label, templateId, scheduledAt });
      return reply.code(201).send(serialize(created));
    },
  );

  api.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Ver uma transmissão, com as notificações por status',
        params: Params,
        response: { 200: BroadcastSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => serialize(await deps.broadcasts.show(accountOf(request).id, request.params.id)),
  );

  api.post(
    '/:id/cancel',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Cancelar uma transmissão (administradores)',
        description: 'O que ainda não saiu é cancelado; já terminada ou cancelada: 409.',
        params: Params,
        response: { 200: BroadcastSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => serialize(await deps.broadcasts.cancel(crmActorOf(request), request.params.id)),
  );
}
