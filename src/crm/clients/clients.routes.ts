import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import { readCsvRecords } from '../csv.js';
import { acceptCsvUploads, ImportResultSchema, importRows, readCsvUpload, sendCsv } from '../csv-upload.js';
import { crmActorOf } from '../pipeline/actor.js';
import { idQuery, listOf, pageQuery } from '../pipeline/crm-schemas.js';
import { ClientSchema, CreateClientSchema, UpdateClientSchema } from './client-schemas.js';
import type { ClientsService } from './clients.service.js';
import { CLIENT_COLUMNS, clientInputFromCsv, clientsCsv } from './clients-csv.js';

const ListQuerySchema = z.strictObject({
  q: z.string().trim().max(200).optional().meta({ description: 'Nome, telefone (com ou sem o 9), e-mail ou CPF/CNPJ' }),
  contact_id: idQuery('contact_id').optional().meta({ description: 'Só o cliente desse contato (0 ou 1 resultado)' }),
  page: pageQuery,
});
const Params = idParam('id');

/** Clients: people (or companies) who book events; each is a profile on a contact. */
export async function clientsRoutes(app: FastifyInstance, deps: { clients: ClientsService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['CRM: clientes'];
  await acceptCsvUploads(app);

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar e buscar clientes (25 por página, mais novos primeiro)',
        params: AccountParamsSchema,
        querystring: ListQuerySchema,
        response: { 200: listOf(ClientSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { q, contact_id: contactId, page } = request.query;
      const { count, clients } = await deps.clients.page(accountOf(request).id, q || undefined, page, contactId);
      return { meta: { count, current_page: page }, payload: clients };
    },
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Criar um cliente',
        description:
          'Um contato com o mesmo telefone (com ou sem o 9), documento ou e-mail é vinculado e atualizado, nunca duplicado; se essa pessoa já é cliente, 409 com client_id. Telefone, e-mail ou CPF/CNPJ inválidos, ou de outro contato: 422 nomeando o campo.',
        params: AccountParamsSchema,
        body: CreateClientSchema,
        response: { 201: ClientSchema, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await deps.clients.create(crmActorOf(request), request.body)),
  );

  api.post(
    '/import',
    {
      schema: {
        tags,
        summary: 'Importar clientes de um CSV',
        description: [
          'multipart/form-data (arquivo no campo file) ou o CSV no corpo com Content-Type text/csv; UTF-8 (com ou sem BOM) ou Latin-1, separado por ; ou , (o do cabeçalho), até 5 MB (413 acima).',
          `Colunas: ${CLIENT_COLUMNS.map((column) => column.names.slice(0, 2).join('/')).join(', ')}; nome e telefone obrigatórias. Coluna desconhecida ou obrigatória ausente: 400 nomeando cada uma.`,
          'Cada linha válida é gravada (cliente novo, ou o cliente existente daquela pessoa atualizado); cada linha inválida volta em errors com o número da linha na planilha, sem gravar nada dela.',
        ].join(' '),
        consumes: ['multipart/form-data', 'text/csv'],
        params: AccountParamsSchema,
        response: { 200: ImportResultSchema, ...errorResponses(400, 401, 404, 413, 415) },
      },
    },
    async (request) => {
      const records = readCsvRecords(await readCsvUpload(request), CLIENT_COLUMNS);
      const actor = crmActorOf(request);
      return importRows(
        request,
        records.map(({ row, values }) => ({ row, values: clientInputFromCsv(values) })),
        CreateClientSchema,
        async (input) => (await deps.clients.importRow(actor, input)).outcome,
      );
    },
  );

  api.get(
    '/export.csv',
    {
      schema: {
        tags,
        summary: 'Exportar os clientes em CSV (abre no Excel em português)',
        description: 'UTF-8 com BOM, separado por ;, com as mesmas colunas da importação.',
        params: AccountParamsSchema,
        produces: ['text/csv'],
        response: { 200: z.string(), ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => sendCsv(reply, 'clientes.csv', await clientsCsv(deps.clients.all(accountOf(request).id))),
  );

  api.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Ver um cliente',
        params: Params,
        response: { 200: ClientSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => deps.clients.show(accountOf(request).id, request.params.id),
  );

  api.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Alterar um cliente',
        description: 'Nome, telefone, e-mail e documento são do contato (valem em toda a conversa com a pessoa).',
        params: Params,
        body: UpdateClientSchema,
        response: { 200: ClientSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => deps.clients.update(crmActorOf(request), request.params.id, request.body),
  );

  api.delete(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir um cliente (administradores)',
        description:
          'Remove o cadastro de cliente; o contato e as conversas ficam. Cliente com eventos: 409 (cancele os eventos).',
        params: Params,
        response: { 204: z.void(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deps.clients.remove(crmActorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
