import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import { readCsvRecords } from '../csv.js';
import { acceptCsvUploads, ImportResultSchema, importRows, readCsvUpload, sendCsv } from '../csv-upload.js';
import { crmActorOf } from '../pipeline/actor.js';
import { listOf } from '../pipeline/crm-schemas.js';
import {
  CreateProviderSchema,
  ProviderDetailSchema,
  ProviderListQuerySchema,
  ProviderSchema,
  UpdateProviderSchema,
} from './provider-schemas.js';
import type { ProvidersService } from './providers.service.js';
import { PROVIDER_COLUMNS, providerInputFromCsv, providersCsv } from './providers-csv.js';

const Params = idParam('id');

/** Providers (prestadores): who can be staffed on events, for which services, where. */
export async function providersRoutes(app: FastifyInstance, deps: { providers: ProvidersService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['CRM: prestadores'];
  await acceptCsvUploads(app);

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar e filtrar prestadores (25 por página, por nome)',
        description:
          'service: nome ou id do tipo de serviço (desconhecido: 422); region: uma das regiões atendidas; active: true/false; available_from e available_to (ISO 8601 com fuso, juntos): só quem não tem escala atribuída ou aceita que se sobreponha ao intervalo; q: nome, telefone, e-mail ou CPF/CNPJ; contact_id: o prestador desse contato.',
        params: AccountParamsSchema,
        querystring: ProviderListQuerySchema,
        response: { 200: listOf(ProviderSchema), ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const { count, providers } = await deps.providers.page(accountOf(request).id, request.query);
      return { meta: { count, current_page: request.query.page }, payload: providers };
    },
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Criar um prestador',
        description:
          'Um contato com o mesmo telefone (com ou sem o 9), documento ou e-mail é vinculado, nunca duplicado (a mesma pessoa pode ser cliente e prestador); se já é prestador, 409 com provider_id. Serviço desconhecido, telefone, e-mail ou CPF/CNPJ inválidos: 422 nomeando o campo.',
        params: AccountParamsSchema,
        body: CreateProviderSchema,
        response: { 201: ProviderSchema, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await deps.providers.create(crmActorOf(request), request.body)),
  );

  api.post(
    '/import',
    {
      schema: {
        tags,
        summary: 'Importar prestadores de um CSV',
        description: [
          'multipart/form-data (arquivo no campo file) ou o CSV no corpo com Content-Type text/csv; UTF-8 (com ou sem BOM) ou Latin-1, separado por ; ou , (o do cabeçalho), até 5 MB (413 acima).',
          `Colunas: ${PROVIDER_COLUMNS.map((column) => column.names.slice(0, 2).join('/')).join(', ')}; nome e telefone obrigatórias. Serviços e regiões separados por vírgula ou |; ativo: sim/não.`,
          'Coluna desconhecida ou obrigatória ausente: 400 nomeando cada uma. Cada linha válida é gravada (prestador novo ou o existente atualizado); cada linha inválida volta em errors com o número da linha, sem gravar nada dela.',
        ].join(' '),
        consumes: ['multipart/form-data', 'text/csv'],
        params: AccountParamsSchema,
        response: { 200: ImportResultSchema, ...errorResponses(400, 401, 404, 413, 415) },
      },
    },
    async (request) => {
      const records = readCsvRecords(await readCsvUpload(request), PROVIDER_COLUMNS);
      const actor = crmActorOf(request);
      return importRows(
        request,
        records.map(({ row, values }) => ({ row, values: providerInputFromCsv(values) })),
        CreateProviderSchema,
        async (input) => (await deps.providers.importRow(actor, input)).outcome,
      );
    },
  );

  api.get(
    '/export.csv',
    {
      schema: {
        tags,
        summary: 'Exportar os prestadores em CSV (abre no Excel em português)',
        description: 'UTF-8 com BOM, separado por ;, com as mesmas colunas da importação.',
        params: AccountParamsSchema,
        produces: ['text/csv'],
        response: { 200: z.string(), ...errorResponses(401, 404) },
      },
    },
    async (request, reply) =>
      sendCsv(reply, 'prestadores.csv', await providersCsv(deps.providers.all(accountOf(request).id))),
  );

  api.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Ver um prestador, com as próximas escalas e o histórico de aceites',
        params: Params,
        response: { 200: ProviderDetailSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => deps.providers.show(accountOf(request).id, request.params.id),
  );

  api.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Alterar um prestador',
        description: 'services e regions, quando enviados, substituem a lista inteira.',
        params: Params,
        body: UpdateProviderSchema,
        response: { 200: ProviderSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => deps.providers.update(crmActorOf(request), request.params.id, request.body),
  );

  api.delete(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir um prestador (administradores)',
        description:
          'Remove o cadastro de prestador; o contato e as conversas ficam. Quem já teve escalas: 409 (desative com active: false).',
        params: Params,
        response: { 204: z.void(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deps.providers.remove(crmActorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
