import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createMembershipCache } from './accounts/access-cache.js';
import { createAgentsService } from './accounts/agents.service.js';
import { createAuditRepo } from './accounts/audit.repo.js';
import { createAuthService } from './accounts/auth.service.js';
import { ensureFirstAdministrator } from './accounts/bootstrap.js';
import { createCredentialsRepo } from './accounts/credentials.repo.js';
import { createSignInThrottle } from './accounts/sign-in-throttle.js';
import { createUsersRepo } from './accounts/users.repo.js';
import { createSimulator } from './channels/simulator/simulator.service.js';
import { createDownloadMediaJob } from './channels/whatsapp/download-media.job.js';
import { createGraphClient } from './channels/whatsapp/graph-client.js';
import { createWhatsAppInboundService } from './channels/whatsapp/inbound.service.js';
import { createProcessWebhookJob } from './channels/whatsapp/process-webhook.job.js';
import { createSendMessageJob } from './channels/whatsapp/send-message.job.js';
import { createWhatsAppTargets } from './channels/whatsapp/whatsapp-target.js';
import type { Config } from './config/config.js';
import { type DatabaseHandle, openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { buildServer } from './http/server.js';
import { createConversationActions } from './inbox/conversation-actions.service.js';
import { createConversationViews } from './inbox/conversation-views.js';
import { ensureWhatsAppInboxFromEnv } from './inbox/env-inbox.js';
import { createInboxesRepo } from './inbox/inboxes.repo.js';
import { createOutgoingMessagesService } from './inbox/outgoing-messages.service.js';
import { createJobRegistry } from './jobs/job-registry.js';
import type { SchedulerOptions } from './jobs/job-scheduler.js';
import { createJobSystem } from './jobs/job-system.js';
import { createRateLimiter } from './jobs/rate-limiter.js';
import { systemProbeJob } from './jobs/system-probe.job.js';
import { createEventBus } from './realtime/event-bus.js';
import { createRealtimeHub } from './realtime/realtime-hub.js';
import { type Clock, systemClock } from './shared/clock.js';
import { createSecretBox } from './shared/crypto.js';
import { createLogger, type Logger } from './shared/logger.js';
import { createLocalMediaStorage } from './shared/media-storage.js';
import { createMetrics } from './shared/metrics.js';
import { createRedisConnections } from './shared/redis.js';

export const ROLES = ['all', 'api', 'worker', 'scheduler'] as const;
export type ProcessRole = (typeof ROLES)[number];

export interface AppOptions {
  role?: ProcessRole;
  logger?: Logger;
  /** Tests pass an already open database (e.g. in-memory PGlite). */
  database?: DatabaseHandle;
  clock?: Clock;
  webDistDir?: string;
  jobConcurrency?: number;
  /** How long a Graph API call may take (tests shorten it). */
  graphTimeoutMs?: number;
  scheduler?: SchedulerOptions;
}

const DEFAULT_WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));

/** The composition root: config → database → repositories → services → HTTP and job workers. */
export async function createApp(config: Config, options: AppOptions = {}) {
  const role = options.role ?? 'all';
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const clock = options.clock ?? systemClock;
  const database = options.database ?? (await openDatabase(config.database, logger));
  const redis = config.redis ? createRedisConnections(config.redis.url, logger) : null;

  const box = createSecretBox(config.secretKeyBase);
  const inboxes = createInboxesRepo(database.db);
  // The built-in simulator: a WhatsApp inbox wired to the fake Graph API this process serves.
  const loopbackHost = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const simulator = config.whatsapp.simulator
    ? createSimulator({
        db: database.db,
        inboxes,
        box,
        graphUrl: `http://${loopbackHost}:${config.http.port}/simulator/graph`,
      })
    : null;

  try {
    // Seeding runs under the migration lock, so processes starting together never create things twice.
    await migrate(database, logger, async () => {
      await ensureFirstAdministrator(database.db, logger, { ...config.admin, frontendUrl: config.http.frontendUrl });
      if (config.whatsapp.inbox) await ensureWhatsAppInboxFromEnv({ inboxes, box, logger }, config.whatsapp.inbox);
      await simulator?.ensureInbox();
    });
  } catch (error) {
    await redis?.close();
    if (!options.database) await database.close();
    throw error;
  }

  const { db } = database;
  const users = createUsersRepo(db);
  const credentials = createCredentialsRepo(db);
  const audit = createAuditRepo(db);
  const auth = createAuthService({
    users,
    credentials,
    audit,
    throttle: createSignInThrottle(redis ? { client: redis.client, prefix: config.redis?.prefix ?? 'santana' } : null),
    secretKeyBase: config.secretKeyBase,
    frontendUrl: config.http.frontendUrl,
  });
  const memberships = createMembershipCache(users);
  const agents = createAgentsService({ users, audit, auth, memberships });
  const jobs = createJobSystem({
    db,
    logger,
    metrics,
    clock,
    redis: redis ? { producer: redis.client, workerConnection: redis.workerConnection } : null,
    concurrency: options.jobConcurrency,
    scheduler: options.scheduler,
    leaseMs: config.jobs.leaseMs,
    redisPrefix: config.redis?.prefix,
  });
  const events = createEventBus({
    logger,
    redis: redis
      ? { publisher: redis.client, subscriber: redis.workerConnection(), prefix: config.redis?.prefix ?? 'santana' }
      : null,
  });

  // WhatsApp channel: inboxes, Graph API, media, inbound processing.
  const graph = createGraphClient({ timeoutMs: options.graphTimeoutMs });
  const targets = createWhatsAppTargets({
    box,
    graphUrl: config.whatsapp.graphUrl,
    graphVersion: config.whatsapp.graphVersion,
  });
  const mediaStorage = createLocalMediaStorage(path.join(config.dataDir, 'media'));
  const inbound = createWhatsAppInboundService({ db, inboxes, jobs, events, logger });

  // Per-key send budgets (e.g. 80/s per WhatsApp number), shared across processes through Redis.
  const rateLimiter = createRateLimiter(
    redis ? { client: redis.client, prefix: config.redis?.prefix ?? 'santana' } : null,
  );
  const outgoing = createOutgoingMessagesService({ db, jobs, events, clock });
  const conversationViews = createConversationViews({ db, clock });
  const conversationActions = createConversationActions({ db, events, clock });
  const realtime = createRealtimeHub(events);

  jobs.setRegistry(
    createJobRegistry([
      systemProbeJob,
      createProcessWebhookJob({ db, inboxes, inbound }),
      createDownloadMediaJob({ db, graph, targets, storage: mediaStorage, events }),
      createSendMessageJob({ db, inboxes, graph, targets, rateLimiter, events }),
    ]),
  );

  const readiness: Record<string, () => Promise<void>> = { database: () => database.ping() };
  if (redis) readiness.redis = async () => void (await redis.client.ping());

  const server: FastifyInstance = await buildServer({
    config,
    logger,
    metrics,
    readiness,
    readinessDetails: async () => ({
      role,
      jobs: jobs.driverKind,
      // An expired WhatsApp token does not make the service unready, but the operator must see it.
      inboxes_needing_reauthorization: (await inboxes.listWhatsApp().catch(() => []))
        .filter((inbox) => inbox.reauthorization_required_at !== null)
        .map((inbox) => ({ id: inbox.id, name: inbox.name, reason: inbox.reauthorization_reason })),
    }),
    api:
      role === 'all' || role === 'api'
        ? {
            db,
            auth,
            users,
            memberships,
            agents,
            audit,
            jobs,
            inboxes,
            box,
            conversationViews,
            conversationActions,
            outgoing,
            realtime,
            simulator,
            mediaStorage,
            webDistDir: options.webDistDir ?? DEFAULT_WEB_DIST,
          }
        : null,
  });

  let stopping: Promise<void> | undefined;

  return {
    config,
    role,
    logger,
    database,
    db,
    redis,
    metrics,
    jobs,
    server,
    events,
    services: {
      auth,
      agents,
      users,
      memberships,
      audit,
      credentials,
      rateLimiter,
      inboxes,
      box,
      graph,
      targets,
      mediaStorage,
      outgoing,
      simulator,
    },

    /** Starts what this role runs: workers, scheduler and the HTTP listener. */
    async start(): Promise<string> {
      if (role === 'all' || role === 'worker') await jobs.startWorker();
      if (role === 'all' || role === 'scheduler') jobs.startScheduler();
      return server.listen({ port: config.http.port, host: config.http.host });
    },

    /** Graceful stop: in-flight requests complete, running jobs finish or go back to the queue. */
    stop(): Promise<void> {
      stopping ??= (async () => {
        await server.close();
        await jobs.stop(config.shutdownTimeoutMs);
        realtime.stop();
        await events.close();
        await redis?.close();
        if (!options.database) await database.close();
      })();
      return stopping;
    },
  };
}

export type App = Awaited<ReturnType<typeof createApp>>;
