import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { crmActorOf } from '../../crm/pipeline/actor.js';
import { InstantOut, idIn, iso, listOf } from '../../crm/pipeline/crm-schemas.js';
import type { NotificationRule } from '../../db/schema.js';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import { RULE_TRIGGERS } from './rule-triggers.js';
import type { NotificationRulesService } from './rules.service.js';

export const NotificationRuleSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    trigger: z.string(),
    offset_minutes: z.number(),
    audience: z.enum(['client', 'providers', 'client_and_providers']),
    template_id: z.number().nullable(),
    essential: z.boolean(),
    active: z.boolean(),
    created_at: InstantOut,
    updated_at: InstantOut,
  })
  .meta({ id: 'NotificationRule' });

const serialize = (rule: NotificationRule) => ({
  id: rule.id,
  name: rule.name,
  trigger: rule.trigger,
  offset_minutes: rule.offset_minutes,
  audience: rule.audience,
  template_id: rule.template_id,
  essential: rule.essential,
  active: rule.active,
  created_at: iso(rule.created_at),
  updated_at: iso(rule.updated_at),
});

const fields = {
  name: z.string().trim().min(1, { error: 'name: informe o nome da regra' }).max(120),
  trigger: z.enum(RULE_TRIGGERS, { error: `trigger: use um de ${RULE_TRIGGERS.join(', ')}` }),
  offset_minutes: z
    .number({ error: 'offset_minutes deve ser um número de minutos' })
    .int()
    .min(0, { error: 'offset_minutes não pode ser negativo' })
    .max(60 * 24 * 90, { error: 'offset_minutes: no máximo 90 dias' }),
  audience: z.enum(['client', 'providers', 'client_and_providers'], {
    error: 'audience: use client, providers ou client_and_providers',
  }),
  template_id: idIn('template_id').nullable(),
  essential: z.boolean(),
  active: z.boolean(),
};

const CreateSchema = z.strictObject({
  name: fields.name,
  trigger: fields.trigger,
  offset_minutes: fields.offset_minutes.optional(),
  audience: fields.audience,
  template_id: fields.template_id.optional(),
  essential: fields.essential.optional(),
  active: fields.active.optional(),
});
const UpdateSchema = CreateSchema.partial();
const Params = idParam('id');

/** Notification rules (contract): what to send, to whom, when an event or assignment changes. */
export async function notificationRulesRoutes(app: FastifyInstance, deps: { rules: NotificationRulesService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Notificações: regras'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar as regras de notificação',
        description: 'Uma conta nova começa com quatro regras (desativadas até que se escolha o modelo de cada uma).',
        params: AccountParamsSchema,
        response: { 200: listOf(NotificationRuleSchema), ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const rules = await deps.rules.list(accountOf(request).id);
      return { meta: { count: rules.length, current_page: 1 }, payload: rules.map(serialize) };
    },
  );

  api.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Uma regra de notificação',
        params: Params,
        response: { 200: NotificationRuleSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => serialize(await deps.rules.find(accountOf(request).id, request.params.id)),
  );

  api.post(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Criar uma regra de notificação (administradores)',
        description:
          'event.before_start e event.after_end usam offset_minutes. O modelo precisa ter variante de WhatsApp ou SMS (422).',
        params: AccountParamsSchema,
        body: CreateSchema,
        response: { 201: NotificationRuleSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(serialize(await deps.rules.create(crmActorOf(request), request.body))),
  );

  api.patch(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Alterar uma regra (desativar cancela os envios ainda agendados)',
        params: Params,
        body: UpdateSchema,
        response: { 200: NotificationRuleSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => serialize(await deps.rules.update(crmActorOf(request), request.params.id, request.body)),
  );

  api.delete(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir uma regra (os envios agendados são cancelados)',
        params: Params,
        response: { 204: z.void(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deps.rules.remove(crmActorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
