import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, requireAdministrator } from '../http/request-context.js';
import { AccountParamsSchema, errorResponses } from '../http/schemas.js';
import type { AuditRepo } from './audit.repo.js';

const PER_PAGE = 50;

export async function auditRoutes(app: FastifyInstance, options: { audit: AuditRepo }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags: ['Auditoria'],
        summary: 'Registro de auditoria da conta (administradores)',
        params: AccountParamsSchema,
        querystring: z.object({
          page: z.coerce.number().int().min(1).max(10_000).default(1),
          action: z.string().max(100).optional(),
        }),
        response: {
          200: z.object({
            meta: z.object({ current_page: z.number(), per_page: z.number() }),
            payload: z.array(
              z.object({
                id: z.number(),
                action: z.string(),
                actor_user_id: z.number().nullable(),
                actor_name: z.string().nullable(),
                target_type: z.string().nullable(),
                target_id: z.string().nullable(),
                ip: z.string().nullable(),
                details: z.record(z.string(), z.unknown()),
                created_at: z.date(),
              }),
            ),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const { page, action } = request.query;
      const payload = await options.audit.list({
        accountId: accountOf(request).id,
        action,
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
      });
      return { meta: { current_page: page, per_page: PER_PAGE }, payload };
    },
  );
}
