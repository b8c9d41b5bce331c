import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../shared/metrics.js';
import { withTimeout } from '../shared/timeout.js';

export type ReadinessCheck = () => Promise<void>;

/** `/livez` (the process answers), `/readyz` (its dependencies answer) and `/metrics` (Prometheus). */
export async function healthRoutes(
  app: FastifyInstance,
  options: {
    checks: Record<string, ReadinessCheck>;
    details?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
    metrics: Metrics;
  },
) {
  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000, 'no answer within 2000 ms');
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, `unavailable: ${(error as Error).message}`] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([, state]) => state === 'ok');
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ok' : 'unavailable', checks, ...(await options.details?.()) });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await options.metrics.registry.metrics();
    return reply.header('content-type', options.metrics.registry.contentType).send(body);
  });
}
