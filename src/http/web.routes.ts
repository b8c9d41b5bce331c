import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const API_PREFIXES = [
  '/api',
  '/auth',
  '/webhooks',
  '/metrics',
  '/livez',
  '/readyz',
  '/simulator/graph',
  '/simulator/api',
];

const isApiPath = (url: string) =>
  API_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`));

/**
 * Serves the built single-page app (web/dist) and answers unknown GET paths that want HTML with its
 * index.html, so client-side routes survive a reload. Anything else gets a JSON 404.
 */
export async function webRoutes(app: FastifyInstance, options: { distDir: string }) {
  const hasBuild = existsSync(path.join(options.distDir, 'index.html'));
  if (hasBuild) {
    await app.register(fastifyStatic, {
      root: options.distDir,
      prefix: '/',
      wildcard: false,
      index: false,
      setHeaders(reply, filePath) {
        // Vite fingerprints assets, so they can be cached for good; index.html must always be fresh.
        reply.header(
          'cache-control',
          filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }

  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (wantsHtml && !isApiPath(request.url)) {
      if (hasBuild) return reply.header('cache-control', 'no-cache').sendFile('index.html');
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('A interface web ainda não foi compilada. Rode: npm run build:web');
    }
    return reply
      .code(404)
      .send({ error: 'not_found', message: `Rota não encontrada: ${request.method} ${request.url.split('?')[0]}` });
  });
}
