import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { crmActorOf } from '../../crm/pipeline/actor.js';
import { listOf } from '../../crm/pipeline/crm-schemas.js';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { NotificationTemplatesService } from './notification-templates.service.js';
import {
  LivePreviewSchema,
  NotificationTemplateSchema,
  PreviewResultSchema,
  PreviewSchema,
  serializeTemplate,
  TemplateInputSchema,
  TemplatePatchSchema,
  VariableCatalogSchema,
} from './template-schemas.js';

const Params = idParam('id');
const VARIABLES_HELP =
  'Variáveis {{objeto.campo}} ou {{objeto.campo | filtro}} (veja GET /notification_templates/variables); desconhecidas → 422 com details [{field, message}]. Com modelos da Meta sincronizados, whatsapp.template_name precisa existir e body_params precisa ter a quantidade de parâmetros do corpo.';

/** Notification templates (issue 6 §1): administrators write, every member reads and previews. */
export async function notificationTemplatesRoutes(
  app: FastifyInstance,
  deps: { templates: NotificationTemplatesService },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Notificações: modelos'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar os modelos de notificação (todos, por nome)',
        params: AccountParamsSchema,
        response: { 200: listOf(NotificationTemplateSchema), ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const rows = await deps.templates.list(accountOf(request).id);
      return { meta: { count: rows.length, current_page: 1 }, payload: rows.map(serializeTemplate) };
    },
  );

  api.get(
    '/variables',
    {
      schema: {
        tags,
        summary: 'Catálogo de variáveis e filtros para o editor de modelos',
        params: AccountParamsSchema,
        response: { 200: VariableCatalogSchema, ...errorResponses(401, 404) },
      },
    },
    async () => deps.templates.variables(),
  );

  api.post(
    '/preview',
    {
      schema: {
        tags,
        summary: 'Pré-visualizar um modelo ainda não salvo',
        description:
          'Valida como ao salvar (422) e preenche com o evento, contato ou escala informados; o que faltar aparece com valores de exemplo.',
        params: AccountParamsSchema,
        body: LivePreviewSchema,
        response: { 200: PreviewResultSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const { template, ...ids } = request.body;
      return deps.templates.previewUnsaved(accountOf(request).id, template, ids);
    },
  );

  api.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Ver um modelo de notificação',
        params: Params,
        response: { 200: NotificationTemplateSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => serializeTemplate(await deps.templates.get(accountOf(request).id, request.params.id)),
  );

  api.post(
    '/:id/preview',
    {
      schema: {
        tags,
        summary: 'Pré-visualizar um modelo para um evento, contato ou escala',
        description:
          'Devolve o texto livre, o SMS e o modelo do WhatsApp (componentes e, se sincronizado, o corpo aprovado preenchido). Ids de outra conta: 404.',
        params: Params,
        body: PreviewSchema,
        response: { 200: PreviewResultSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => deps.templates.preview(accountOf(request).id, request.params.id, request.body),
  );

  api.post(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Criar um modelo de notificação (administradores)',
        description: `Ao menos uma variante: whatsapp (modelo aprovado, fora da janela de 24 h), text (janela aberta) ou sms. ${VARIABLES_HELP}`,
        params: AccountParamsSchema,
        body: TemplateInputSchema,
        response: { 201: NotificationTemplateSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(serializeTemplate(await deps.templates.create(crmActorOf(request), request.body))),
  );

  api.patch(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Editar um modelo de notificação (administradores)',
        description: `Campos omitidos ficam como estão; null remove uma variante. ${VARIABLES_HELP}`,
        params: Params,
        body: TemplatePatchSchema,
        response: { 200: NotificationTemplateSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      serializeTemplate(await deps.templates.update(crmActorOf(request), request.params.id, request.body)),
  );

  api.delete(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir um modelo de notificação (administradores)',
        description: 'Em uso por uma regra, um envio em massa ou uma notificação ainda não enviada: 409 citando-os.',
        params: Params,
        response: { 204: z.void(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deps.templates.remove(crmActorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
