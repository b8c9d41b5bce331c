import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, principalOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam, PageQuerySchema } from '../../http/schemas.js';
import {
  type AutomationRulesService,
  type RulesActor,
  serializeRule,
  serializeRun,
} from './automation-rules.service.js';
import { ACTION_NAMES, AUTOMATION_EVENTS, FILTER_OPERATORS } from './rule-catalog.js';

const looseObject = z.record(z.string(), z.unknown());

const RuleSchema = z
  .object({
    id: z.number(),
    account_id: z.number(),
    name: z.string(),
    description: z.string(),
    event_name: z.string(),
    conditions: z.array(looseObject),
    actions: z.array(looseObject),
    active: z.boolean(),
    created_on: z.number().meta({ description: 'Unix, em segundos (como no Chatwoot)' }),
    updated_at: z.string(),
    webhook_secret: z
      .string()
      .optional()
      .meta({ description: 'Chave do HMAC em X-Chatwoot-Signature das ações send_webhook_event' }),
  })
  .meta({ id: 'AutomationRule' });

const RunSchema = z
  .object({
    id: z.number(),
    rule_id: z.number(),
    event_name: z.string(),
    status: z.enum(['running', 'success', 'error', 'skipped']),
    context: looseObject,
    actions: z.array(looseObject),
    error: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'AutomationRun' });

// Validated by the service (422 naming each field), so the route only requires an object.
const RuleBodySchema = looseObject.meta({
  description: [
    '{name, description?, event_name, active?, conditions: [{attribute_key, filter_operator, values, query_operator, custom_attribute_type?}], actions: [{action_name, action_params}]}.',
    `Eventos: ${AUTOMATION_EVENTS.join(', ')}.`,
    `Operadores: ${FILTER_OPERATORS.join(', ')}.`,
    `Ações: ${ACTION_NAMES.join(', ')}.`,
  ].join(' '),
});

const DryRunBodySchema = z.strictObject({
  message_id: z.number().int().positive().optional(),
  conversation_id: z.number().int().positive().optional().meta({ description: 'O display_id da conversa' }),
  event_id: z.number().int().positive().optional(),
  event_name: z.string().optional(),
});

const Params = idParam('id');
const one = z.object({ payload: RuleSchema });

function actorOf(request: FastifyRequest): RulesActor {
  return { accountId: accountOf(request).id, userId: principalOf(request).userId, ip: request.ip };
}

/** Chatwoot's /automation_rules (administrators only), plus Santana's execution log and dry run. */
export async function automationRulesRoutes(
  app: FastifyInstance,
  deps: { rules: AutomationRulesService; secretKeyBase: string },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Automação (compatível com Chatwoot)'];
  const serialize = (rule: Parameters<typeof serializeRule>[0]) => serializeRule(rule, deps.secretKeyBase);
  app.addHook('preHandler', requireAdministrator);

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar as regras de automação (administradores)',
        params: AccountParamsSchema,
        response: {
          200: z.object({
            meta: z.object({ count: z.number(), current_page: z.number() }),
            payload: z.array(RuleSchema),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const rules = await deps.rules.list(accountOf(request).id);
      return { meta: { count: rules.length, current_page: 1 }, payload: rules.map(serialize) };
    },
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Criar uma regra de automação',
        description: 'Evento, atributos por evento, operadores e parâmetros das ações inválidos: 422 nomeando o campo.',
        params: AccountParamsSchema,
        body: RuleBodySchema,
        response: { 200: one, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => ({ payload: serialize(await deps.rules.create(actorOf(request), request.body)) }),
  );

  api.post(
    '/dry_run',
    {
      schema: {
        tags,
        summary: 'Simular: quais regras disparariam (sem executar nada)',
        description:
          'Com message_id (message_created), conversation_id (conversation_updated e, pelo status, _opened/_resolved) ou event_id (event_created/event_updated); event_name escolhe um evento só.',
        params: AccountParamsSchema,
        body: DryRunBodySchema,
        response: {
          200: z.object({ meta: looseObject, payload: z.array(looseObject) }),
          ...errorResponses(400, 401, 403, 404, 422),
        },
      },
    },
    async (request) => deps.rules.dryRun(accountOf(request).id, request.body),
  );

  api.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Uma regra de automação',
        params: Params,
        response: { 200: one, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ payload: serialize(await deps.rules.get(accountOf(request).id, request.params.id)) }),
  );

  for (const method of ['patch', 'put'] as const) {
    api[method](
      '/:id',
      {
        schema: {
          tags,
          summary: 'Alterar uma regra de automação (os campos enviados substituem os da regra)',
          params: Params,
          body: RuleBodySchema,
          response: { 200: one, ...errorResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => ({
        payload: serialize(await deps.rules.update(actorOf(request), request.params.id, request.body)),
      }),
    );
  }

  api.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Excluir uma regra de automação (e seu histórico de execuções)',
        params: Params,
        response: { 200: z.null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deps.rules.remove(actorOf(request), request.params.id);
      return reply.code(200).send(null);
    },
  );

  api.post(
    '/:id/clone',
    {
      schema: {
        tags,
        summary: 'Duplicar uma regra de automação',
        params: Params,
        response: { 200: one, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => ({ payload: serialize(await deps.rules.clone(actorOf(request), request.params.id)) }),
  );

  api.get(
    '/:id/runs',
    {
      schema: {
        tags,
        summary: 'Execuções da regra, das mais recentes (running, success, error ou skipped, com o motivo)',
        params: Params,
        querystring: PageQuerySchema,
        response: {
          200: z.object({
            meta: z.object({ count: z.number(), current_page: z.number() }),
            payload: z.array(RunSchema),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { rows, count } = await deps.rules.runs(accountOf(request).id, request.params.id, request.query.page);
      return { meta: { count, current_page: request.query.page }, payload: rows.map(serializeRun) };
    },
  );
}
