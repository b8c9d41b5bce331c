import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, principalOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { ContactInput } from '../../inbox/contact-changes.js';
import type { ContactWithInboxes } from '../../inbox/contact-inboxes.js';
import type { ContactsService } from '../../inbox/contacts.service.js';
import type { ConversationViews } from '../../inbox/conversation-views.js';
import type { InboxAccess } from '../../inbox/inbox-access.js';
import { AppError } from '../../shared/errors.js';
import {
  ContactInboxSchema,
  ContactInputSchema,
  ContactListQuerySchema,
  ContactListSchema,
  ContactSchema,
  ContactSearchQuerySchema,
  CreateContactSchema,
  parseSort,
} from './contact-schemas.js';
import { FilterBodySchema } from './filter-schema.js';
import { serializeContact, serializeContactInbox } from './serializers.js';

const ContactParamsSchema = idParam('id');
const LabelsSchema = z.object({ payload: z.array(z.string()) });
const loose = z.record(z.string(), z.unknown());

const view = ({ contact, contactInboxes }: ContactWithInboxes) => serializeContact(contact, contactInboxes);
const list = (page: number, result: { count: number; contacts: ContactWithInboxes[] }) => ({
  meta: { count: result.count, current_page: String(page) },
  payload: result.contacts.map(view),
});

function inputOf(body: z.infer<typeof ContactInputSchema>): ContactInput {
  if (body.blocked) {
    throw new AppError('unprocessable', 'Bloquear contatos ainda não é suportado.', [
      { field: 'blocked', message: 'não suportado' },
    ]);
  }
  const { blocked: _blocked, avatar: _avatar, avatar_url: _avatarUrl, ...input } = body;
  return input;
}

/** Chatwoot's contacts API: list, search, filter, CRUD, labels, conversations and contact inboxes. */
export async function chatwootContactsRoutes(
  app: FastifyInstance,
  deps: { contacts: ContactsService; views: ConversationViews; access: InboxAccess },
) {
  const { contacts } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Contatos (compatível com Chatwoot)'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar contatos com e-mail, telefone ou identificador (15 por página)',
        params: AccountParamsSchema,
        querystring: ContactListQuerySchema,
        response: { 200: ContactListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { sort, page } = request.query;
      return list(page, await contacts.list(accountOf(request).id, parseSort(sort), page));
    },
  );

  api.get(
    '/search',
    {
      schema: {
        tags,
        summary: 'Buscar por nome, e-mail, identificador ou telefone (com ou sem o 9, ou parte dos dígitos)',
        params: AccountParamsSchema,
        querystring: ContactSearchQuerySchema,
        response: { 200: ContactListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { q, sort, page } = request.query;
      return list(page, await contacts.search(accountOf(request).id, q, parseSort(sort), page));
    },
  );

  api.post(
    '/filter',
    {
      schema: {
        tags,
        summary: 'Filtrar contatos (condições do Chatwoot ligadas por AND/OR)',
        description:
          'Atributos: name, email, phone_number, identifier, city, country, country_code, company, labels, created_at, last_activity_at e atributos personalizados. Operadores: equal_to, not_equal_to, contains, does_not_contain, starts_with, is_present, is_not_present; datas: is_greater_than, is_less_than, days_before.',
        params: AccountParamsSchema,
        querystring: ContactListQuerySchema,
        body: FilterBodySchema,
        response: { 200: ContactListSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const { sort, page } = request.query;
      return list(page, await contacts.filter(accountOf(request).id, request.body.payload, parseSort(sort), page));
    },
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Criar contato (com inbox_id, cria também o contact_inbox)',
        params: AccountParamsSchema,
        body: CreateContactSchema,
        response: {
          200: z.object({
            payload: z.object({ contact: ContactSchema, contact_inbox: ContactInboxSchema.partial() }),
          }),
          ...errorResponses(400, 401, 404, 422),
        },
      },
    },
    async (request) => {
      const { inbox_id: inboxId, ...body } = request.body;
      const created = await contacts.create(accountOf(request).id, { ...inputOf(body), inboxId });
      return {
        payload: {
          contact: view(created),
          contact_inbox: created.contactInbox ? serializeContactInbox(created.contactInbox) : {},
        },
      };
    },
  );

  api.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Ver um contato',
        params: ContactParamsSchema,
        response: { 200: z.object({ payload: ContactSchema }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({ payload: view(await contacts.show(accountOf(request).id, request.params.id)) }),
  );

  for (const method of ['put', 'patch'] as const) {
    api[method](
      '/:id',
      {
        schema: {
          tags,
          summary: 'Atualizar um contato (atributos são mesclados)',
          params: ContactParamsSchema,
          body: ContactInputSchema,
          response: { 200: z.object({ payload: ContactSchema }), ...errorResponses(400, 401, 404, 422) },
        },
      },
      async (request) => ({
        payload: view(await contacts.update(accountOf(request).id, request.params.id, inputOf(request.body))),
      }),
    );
  }

  api.delete(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir um contato com as suas conversas (administradores)',
        description:
          'Apaga a pessoa (LGPD): contato, conversas e mensagens; os arquivos das mensagens (quando nenhuma outra ' +
          'mensagem os mostra), o conteúdo dos webhooks do WhatsApp guardados e as entregas do registro de ' +
          'webhooks enviados que citam o número (nas duas formas do 9º dígito) ou o BSUID são removidos logo ' +
          'depois, por tarefas registradas junto com a exclusão. A exclusão fica no log de auditoria.',
        params: ContactParamsSchema,
        response: {
          200: z.void().meta({ description: 'Corpo vazio, como no Chatwoot' }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await contacts.remove(
        { accountId: accountOf(request).id, userId: principalOf(request).userId, ip: request.ip },
        request.params.id,
      );
      return reply.code(200).send();
    },
  );

  api.get(
    '/:id/conversations',
    {
      schema: {
        tags,
        summary: 'Conversas do contato (as 20 mais recentes)',
        params: ContactParamsSchema,
        response: { 200: z.object({ payload: z.array(loose) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const accountId = accountOf(request).id;
      const rows = await contacts.conversations(accountId, request.params.id, await deps.access.scopeOf(request));
      return { payload: await deps.views.conversationViews(accountId, rows) };
    },
  );

  api.get(
    '/:id/labels',
    {
      schema: {
        tags,
        summary: 'Etiquetas do contato',
        params: ContactParamsSchema,
        response: { 200: LabelsSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({ payload: await contacts.labels(accountOf(request).id, request.params.id) }),
  );

  api.post(
    '/:id/labels',
    {
      schema: {
        tags,
        summary: 'Substituir as etiquetas do contato',
        params: ContactParamsSchema,
        body: z.strictObject({ labels: z.array(z.string().max(255)).max(100) }),
        response: { 200: LabelsSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({
      payload: await contacts.setLabels(accountOf(request).id, request.params.id, request.body.labels),
    }),
  );

  api.post(
    '/:id/contact_inboxes',
    {
      schema: {
        tags,
        summary: 'Ligar o contato a uma caixa de entrada (no WhatsApp, source_id é o número)',
        params: ContactParamsSchema,
        body: z.strictObject({
          inbox_id: z.number().int().positive(),
          source_id: z.string().min(1).max(255).optional(),
        }),
        response: { 200: ContactInboxSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const { inbox_id: inboxId, source_id: sourceId } = request.body;
      return serializeContactInbox(
        await contacts.addContactInbox(accountOf(request).id, request.params.id, inboxId, sourceId),
      );
    },
  );

  api.get(
    '/:id/contactable_inboxes',
    {
      schema: {
        tags,
        summary: 'Caixas de entrada pelas quais o contato pode ser contatado',
        params: ContactParamsSchema,
        response: { 200: z.object({ payload: z.array(ContactInboxSchema) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({
      payload: (await contacts.contactableInboxes(accountOf(request).id, request.params.id)).map(serializeContactInbox),
    }),
  );
}

/** POST /actions/contact_merge: the base contact keeps everything of the mergee, which is deleted. */
export async function chatwootContactMergeRoutes(app: FastifyInstance, deps: { contacts: ContactsService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/contact_merge',
    {
      schema: {
        tags: ['Contatos (compatível com Chatwoot)'],
        summary: 'Mesclar dois contatos',
        description:
          'Conversas, caixas de entrada, etiquetas e atributos passam para o contato base (o base prevalece); e-mail, telefone e identificador que faltam vêm do outro, que é excluído. Se os dois têm conversa aberta na mesma caixa, a do contato mesclado é resolvida com uma nota apontando a que continua.',
        params: AccountParamsSchema,
        body: z.strictObject({
          base_contact_id: z.number().int().positive(),
          mergee_contact_id: z.number().int().positive(),
        }),
        response: { 200: ContactSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const { base_contact_id: baseId, mergee_contact_id: mergeeId } = request.body;
      const actor = { userId: principalOf(request).userId, ip: request.ip };
      return view(await deps.contacts.merge(accountOf(request).id, baseId, mergeeId, actor));
    },
  );
}
