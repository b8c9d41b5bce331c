import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, requireAdministrator } from '../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../http/schemas.js';
import { notFound } from '../shared/errors.js';
import type { JobSystem } from './job-system.js';

const PER_PAGE = 50;

const JobSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    queue: z.string(),
    status: z.enum(['scheduled', 'queued', 'running', 'done', 'dead']),
    attempts: z.number(),
    max_attempts: z.number(),
    run_at: z.date(),
    last_error: z.string().nullable(),
    created_at: z.date(),
    updated_at: z.date(),
    finished_at: z.date().nullable(),
  })
  .meta({ id: 'Job' });

/** Administrators see their account's jobs, dead ones above all, and can send a dead job back to the queue. */
export async function jobsRoutes(app: FastifyInstance, options: { jobs: JobSystem }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Tarefas em segundo plano'];

  api.get(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Listar tarefas da conta (por estado)',
        params: AccountParamsSchema,
        querystring: z.object({
          status: z.enum(['scheduled', 'queued', 'running', 'done', 'dead']).optional(),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
        }),
        response: {
          200: z.object({ meta: z.object({ current_page: z.number() }), payload: z.array(JobSchema) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { status, page } = request.query;
      const jobs = await options.jobs.list({
        status,
        accountId: accountOf(request).id,
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
      });
      return { meta: { current_page: page }, payload: jobs };
    },
  );

  api.post(
    '/probe',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Enfileirar uma tarefa de teste (verifica se os workers estão processando)',
        params: AccountParamsSchema,
        body: z.strictObject({ sleep_ms: z.number().int().min(0).max(60_000).default(0) }).default({ sleep_ms: 0 }),
        response: { 202: z.object({ id: z.number() }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = await options.jobs.enqueue(
        'system.probe',
        { sleepMs: request.body.sleep_ms },
        { accountId: accountOf(request).id },
      );
      return reply.code(202).send({ id });
    },
  );

  api.get(
    '/:job_id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Ver uma tarefa',
        params: idParam('job_id'),
        response: { 200: JobSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const job = await options.jobs.find(request.params.job_id, accountOf(request).id);
      if (!job) throw notFound('Tarefa');
      return job;
    },
  );

  api.post(
    '/:job_id/retry',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Reenfileirar uma tarefa morta',
        params: idParam('job_id'),
        response: { 200: z.object({ success: z.boolean() }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const retried = await options.jobs.retryDead(request.params.job_id, accountOf(request).id);
      if (!retried) throw notFound('Tarefa morta');
      return { success: true };
    },
  );
}
