import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, principalOf } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import { crmActorOf } from '../pipeline/actor.js';
import {
  booleanQuery,
  CRM_PER_PAGE,
  InstantOut,
  idIn,
  idQuery,
  instantIn,
  iso,
  isoOrNull,
  listOf,
  pageQuery,
} from '../pipeline/crm-schemas.js';
import type { ActivityView } from './activities.repo.js';
import type { ActivitiesService } from './activities.service.js';

const KindSchema = z.enum(['call', 'meeting', 'task', 'whatsapp'], {
  error: 'kind deve ser call, meeting, task ou whatsapp',
});

const ActivitySchema = z
  .object({
    id: z.number(),
    kind: KindSchema,
    title: z.string(),
    notes: z.string(),
    due_at: InstantOut.nullable(),
    done: z.boolean(),
    done_at: InstantOut.nullable(),
    assignee_id: z.number().nullable(),
    assignee: z.object({ id: z.number(), name: z.string() }).nullable(),
    contact_id: z.number().nullable(),
    deal_id: z.number().nullable(),
    event_id: z.number().nullable(),
    created_by: z.number().nullable(),
    created_at: InstantOut,
    updated_at: InstantOut,
  })
  .meta({ id: 'Activity' });

const serializeActivity = (activity: ActivityView): z.infer<typeof ActivitySchema> => ({
  id: activity.id,
  kind: activity.kind,
  title: activity.title,
  notes: activity.notes,
  due_at: isoOrNull(activity.due_at),
  done: activity.done_at !== null,
  done_at: isoOrNull(activity.done_at),
  assignee_id: activity.assignee_id,
  assignee:
    activity.assignee_id !== null && activity.assignee_name !== null
      ? { id: activity.assignee_id, name: activity.assignee_name }
      : null,
  contact_id: activity.contact_id,
  deal_id: activity.deal_id,
  event_id: activity.event_id,
  created_by: activity.created_by,
  created_at: iso(activity.created_at),
  updated_at: iso(activity.updated_at),
});

const title = z.string().trim().min(1, { error: 'title: informe o título da atividade' }).max(200);
const CreateActivitySchema = z.strictObject({
  kind: KindSchema,
  title,
  due_at: instantIn('due_at').nullable().optional(),
  assignee_id: idIn('assignee_id').nullable().optional().meta({ description: 'Sem ele, quem cria é o responsável' }),
  contact_id: idIn('contact_id').nullable().optional(),
  deal_id: idIn('deal_id').nullable().optional().meta({ description: 'Sem contact_id, vale o contato do negócio' }),
  event_id: idIn('event_id').nullable().optional(),
  notes: z.string().max(10_000).optional(),
  done: z.boolean().optional(),
});
const UpdateActivitySchema = CreateActivitySchema.partial();

const ListQuerySchema = z.object({
  assignee_id: z
    .union([z.literal('me'), idQuery('assignee_id')], { error: 'assignee_id deve ser um número ou "me"' })
    .optional()
    .meta({ description: '"me": as minhas tarefas' }),
  due_before: instantIn('due_before').optional(),
  done: booleanQuery('done').optional(),
  contact_id: idQuery('contact_id').optional(),
  deal_id: idQuery('deal_id').optional(),
  event_id: idQuery('event_id').optional(),
  page: pageQuery,
});

const ActivityParams = idParam('id');

/** Activities: everyone reads and writes them; the creator, the assignee or an administrator deletes. */
export async function activitiesRoutes(app: FastifyInstance, deps: { activities: ActivitiesService }) {
  const { activities } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['CRM: atividades'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar atividades (as que vencem primeiro no topo; 25 por página)',
        params: AccountParamsSchema,
        querystring: ListQuerySchema,
        response: { 200: listOf(ActivitySchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { assignee_id: assignee, due_before, done, contact_id, deal_id, event_id, page } = request.query;
      const result = await activities.list(
        accountOf(request).id,
        {
          assigneeId: assignee === 'me' ? principalOf(request).userId : assignee,
          dueBefore: due_before,
          done,
          contactId: contact_id,
          dealId: deal_id,
          eventId: event_id,
        },
        page,
        CRM_PER_PAGE,
      );
      return { meta: { count: result.count, current_page: page }, payload: result.rows.map(serializeActivity) };
    },
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Criar atividade (ligação, reunião, tarefa ou WhatsApp)',
        params: AccountParamsSchema,
        body: CreateActivitySchema,
        response: { 201: ActivitySchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(serializeActivity(await activities.create(crmActorOf(request), request.body))),
  );

  api.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Ver atividade',
        params: ActivityParams,
        response: { 200: ActivitySchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => serializeActivity(await activities.show(accountOf(request).id, request.params.id)),
  );

  api.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Alterar atividade ou marcá-la como feita (done: true)',
        params: ActivityParams,
        body: UpdateActivitySchema,
        response: { 200: ActivitySchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => serializeActivity(await activities.update(crmActorOf(request), request.params.id, request.body)),
  );

  api.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Excluir atividade (quem criou, o responsável ou administradores)',
        params: ActivityParams,
        response: { 204: z.null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await activities.remove(crmActorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
