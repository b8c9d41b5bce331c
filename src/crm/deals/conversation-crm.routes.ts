import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ConversationParamsSchema } from '../../compat/chatwoot/conversation-params.js';
import type { Db } from '../../db/client.js';
import { errorResponses } from '../../http/schemas.js';
import type { InboxAccess } from '../../inbox/inbox-access.js';
import { AppError } from '../../shared/errors.js';
import { ClientSchema, CreateClientSchema, serializeClient } from '../clients/client-schemas.js';
import { clientsRepo } from '../clients/clients.repo.js';
import type { ClientsService } from '../clients/clients.service.js';
import { crmActorOf } from '../pipeline/actor.js';
import { requireConversation } from '../pipeline/references.js';
import { CreateDealSchema, DealSchema, serializeDeal } from './deal-schemas.js';
import type { DealsService } from './deals.service.js';

const ConversationDealSchema = CreateDealSchema.omit({ contact_id: true, conversation_id: true })
  .extend({
    title: CreateDealSchema.shape.title.optional().meta({ description: 'Sem ele: "<contato> — conversa #<número>"' }),
  })
  // Fastify reads a request without a body as null.
  .nullish();

const ConversationClientSchema = CreateClientSchema.omit({ phone_number: true }).partial().nullish();

/**
 * Shortcuts from the conversation view: a client profile or a deal for the conversation's contact.
 * Agents outside the conversation's inbox were already answered 404 by the account's conversation guard.
 * (An event from a conversation needs no shortcut: the UI passes conversation_id to POST /events.)
 */
export async function conversationCrmRoutes(
  app: FastifyInstance,
  deps: { db: Db; deals: DealsService; clients: ClientsService; access: InboxAccess },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  async function contactOf(accountId: number, displayId: number) {
    const conversation = await requireConversation(deps.db, accountId, displayId, 'conversation_id');
    return deps.db
      .selectFrom('contacts')
      .select(['id', 'name', 'phone_number', 'email'])
      .where('account_id', '=', accountId)
      .where('id', '=', conversation.contact_id)
      .executeTakeFirstOrThrow();
  }

  api.post(
    '/:conversation_id/crm/client',
    {
      schema: {
        tags: ['CRM: clientes'],
        summary: 'Tornar o contato da conversa um cliente (ou abrir o cliente que ele já é)',
        description:
          'Preenche nome e telefone com os do contato; os campos enviados (e-mail, documento, endereço, notas) completam o cadastro. 201 ao criar, 200 quando o contato já era cliente (nada muda).',
        params: ConversationParamsSchema,
        body: ConversationClientSchema,
        response: { 200: ClientSchema, 201: ClientSchema, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = crmActorOf(request);
      const contact = await contactOf(actor.accountId, request.params.conversation_id);
      const existing = await clientsRepo.findByContact(deps.db, actor.accountId, contact.id);
      if (existing) return reply.code(200).send(serializeClient(existing));
      if (!contact.phone_number) {
        throw new AppError(
          'unprocessable',
          'O contato desta conversa não tem telefone; cadastre o cliente pela tela de clientes.',
          [{ field: 'phone_number', message: 'o contato não tem telefone' }],
        );
      }
      const body = request.body ?? {};
      const client = await deps.clients.create(actor, {
        ...body,
        name: body.name ?? (contact.name || contact.phone_number),
        phone_number: contact.phone_number,
        email: body.email === undefined ? contact.email : body.email,
      });
      return reply.code(201).send(client);
    },
  );

  api.post(
    '/:conversation_id/crm/deal',
    {
      schema: {
        tags: ['CRM: funil de vendas'],
        summary: 'Criar negócio a partir da conversa (contato e conversa preenchidos)',
        params: ConversationParamsSchema,
        body: ConversationDealSchema,
        response: { 201: DealSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) => {
      const actor = crmActorOf(request);
      const displayId = request.params.conversation_id;
      const contact = await contactOf(actor.accountId, displayId);
      const body = request.body ?? {};
      const title = body.title ?? `${contact.name || contact.phone_number || 'Contato'} — conversa #${displayId}`;
      const deal = await deps.deals.create(actor, await deps.access.scopeOf(request), {
        ...body,
        title,
        contact_id: contact.id,
        conversation_id: displayId,
      });
      return reply.code(201).send(serializeDeal(deal));
    },
  );
}
