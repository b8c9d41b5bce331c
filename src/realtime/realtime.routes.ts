import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, principalOf } from '../http/request-context.js';
import { AccountParamsSchema, errorResponses } from '../http/schemas.js';
import { type InboxAccess, type InboxScope, inScope } from '../inbox/inbox-access.js';
import type { AccountEvent } from './event-bus.js';
import type { RealtimeHub } from './realtime-hub.js';

const HEARTBEAT_MS = 25_000;
const SCOPE_REFRESH_MS = 30_000;

const frame = (event: AccountEvent) =>
  `id: ${event.id}\nevent: ${event.name}\ndata: ${JSON.stringify({ event: event.name, account_id: event.accountId, data: event.data })}\n\n`;

/**
 * The account's realtime stream (Server-Sent Events): message and conversation changes as they commit.
 * Reconnecting with Last-Event-ID replays what was missed, or sends `resync` when that is too old.
 */
export async function realtimeRoutes(app: FastifyInstance, deps: { hub: RealtimeHub; access: InboxAccess }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/',
    {
      schema: {
        tags: ['Tempo real'],
        summary: 'Fluxo de eventos da conta (text/event-stream)',
        description:
          'Eventos: message.created, message.updated, conversation.created, conversation.updated, conversation.status_changed. Envie Last-Event-ID (ou ?last_event_id=) ao reconectar.',
        params: AccountParamsSchema,
        querystring: z.object({ last_event_id: z.string().max(100).optional() }),
        response: { ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const accountId = accountOf(request).id;
      const userId = principalOf(request).userId;
      const lastEventId = (request.headers['last-event-id'] as string | undefined) ?? request.query.last_event_id;
      // Agents see their inboxes' events; membership changes reach an open stream within a refresh.
      let scope: InboxScope = await deps.access.scopeOf(request);
      const refreshScope = setInterval(() => {
        deps.access.scopeOf(request).then(
          (fresh) => {
            scope = fresh;
          },
          () => undefined,
        );
      }, SCOPE_REFRESH_MS);
      const visible = (event: AccountEvent) => event.inboxId === undefined || inScope(scope, event.inboxId);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Nginx must not buffer the stream.
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      raw.write('retry: 3000\n: conectado\n\n');
      if (lastEventId) {
        const missed = deps.hub.missedSince(accountId, lastEventId);
        if (missed === null) raw.write(`event: resync\ndata: {"event":"resync"}\n\n`);
        else for (const event of missed) if (visible(event)) raw.write(frame(event));
      }
      const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
      const remove = deps.hub.add({
        accountId,
        userId,
        visible,
        send: (event) => raw.write(frame(event)),
        close: () => raw.end(),
      });
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        clearInterval(refreshScope);
        remove();
      });
    },
  );
}
