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
import { createBusinessEvents } from './automation/business-events.js';
import { createInboxAutomation } from './automation/inbox-hours/inbox-automation.js';
import { createAutomationRules } from './automation/rules/automation-rules.js';
import { createDeliverWebhookJob, type WebhookDeliverySettings } from './automation/webhooks/deliver-webhook.job.js';
import { createSantanaWebhookListener } from './automation/webhooks/santana-webhooks.js';
import { createWebhookDispatcher } from './automation/webhooks/webhook-dispatcher.js';
import { createWebhookPayloads } from './automation/webhooks/webhook-payloads.js';
import { createWebhooksService } from './automation/webhooks/webhooks.service.js';
import { createSimulator } from './channels/simulator/simulator.service.js';
import { createSmsChannel } from './channels/sms/sms-channel.js';
import { createDownloadMediaJob } from './channels/whatsapp/download-media.job.js';
import { createGraphClient } from './channels/whatsapp/graph-client.js';
import { createWhatsAppInboundService } from './channels/whatsapp/inbound.service.js';
import { createMarkReadJob } from './channels/whatsapp/mark-read.job.js';
import { createProcessWebhookJob } from './channels/whatsapp/process-webhook.job.js';
import { createSendMessageJob } from './channels/whatsapp/send-message.job.js';
import { createSendReactionJob } from './channels/whatsapp/send-reaction.job.js';
import { createSyncTemplatesJob, createTemplateSyncSchedule } from './channels/whatsapp/sync-templates.job.js';
import { createTemplateSync } from './channels/whatsapp/template-sync.js';
import { createWhatsAppTargets } from './channels/whatsapp/whatsapp-target.js';
import type { Config } from './config/config.js';
import { createAssignmentsService } from './crm/assignments/assignments.service.js';
import { createClientsService } from './crm/clients/clients.service.js';
import { createEventsService } from './crm/events/events.service.js';
import { createPipelineServices } from './crm/pipeline/pipeline-services.js';
import { createProvidersService } from './crm/providers/providers.service.js';
import { createServiceTypesService } from './crm/service-types/service-types.service.js';
import { type DatabaseHandle, openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { createDispatchService } from './dispatch/dispatch.service.js';
import { createExpireOfferJob, dispatchListeners } from './dispatch/dispatch-jobs.js';
import { createOpenOffersCache } from './dispatch/replies/open-offers-cache.js';
import { buildServer } from './http/server.js';
import { createRemoveFilesJob } from './inbox/attachment-files.js';
import { createCannedResponsesRepo } from './inbox/canned-responses.repo.js';
import { createCannedResponsesService } from './inbox/canned-responses.service.js';
import { createContactsService } from './inbox/contacts.service.js';
import { createConversationActions } from './inbox/conversation-actions.service.js';
import { createConversationCreator } from './inbox/conversation-create.service.js';
import { createConversationViews } from './inbox/conversation-views.js';
import { ensureWhatsAppInboxFromEnv } from './inbox/env-inbox.js';
import { createInboxAccess } from './inbox/inbox-access.js';
import { createInboxAdminService } from './inbox/inbox-admin.service.js';
import { createInboxesRepo } from './inbox/inboxes.repo.js';
import { createLabelsRepo } from './inbox/labels.repo.js';
import { createLabelsService } from './inbox/labels.service.js';
import { createMessageActions } from './inbox/message-actions.service.js';
import { createOutgoingAttachmentsService } from './inbox/outgoing-attachments.service.js';
import { createOutgoingMessagesService } from './inbox/outgoing-messages.service.js';
import { createTeamsRepo } from './inbox/teams.repo.js';
import { createTeamsService } from './inbox/teams.service.js';
import { createWakeSnoozedJob } from './inbox/wake-snoozed.job.js';
import { createJobRegistry } from './jobs/job-registry.js';
import type { SchedulerOptions } from './jobs/job-scheduler.js';
import { createJobSystem } from './jobs/job-system.js';
import { createRateLimiter } from './jobs/rate-limiter.js';
import { systemProbeJob } from './jobs/system-probe.job.js';
import { createBroadcastRunJob } from './notify/broadcasts/broadcast-run.job.js';
import { createBroadcastsService } from './notify/broadcasts/broadcasts.service.js';
import { createConsentListeners } from './notify/consents/consent-listeners.js';
import { createConsentsService } from './notify/consents/consents.service.js';
import { createDeliverNotificationJob } from './notify/deliver.job.js';
import { createFailureFallback } from './notify/failure-fallback.js';
import { createMessageOutcomes } from './notify/message-outcomes.js';
import { createNotifier } from './notify/notifier.js';
import { createRulePlanner } from './notify/rules/rule-planner.js';
import { createNotificationRulesService } from './notify/rules/rules.service.js';
import { createNotificationTemplatesService } from './notify/templates/notification-templates.service.js';
import { createErasePersonDataJob } from './privacy/erasure.job.js';
import { createPersonExport } from './privacy/person-export.service.js';
import { createRetention } from './privacy/retention.job.js';
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
  /** Outgoing webhook timeout and retries (tests shorten them). */
  webhookDelivery?: Partial<WebhookDeliverySettings>;
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

  // Durable reactions to business changes (notification rules, dispatch, automation): listeners
  // register below, each change records a job per interested listener in its own transaction.
  const businessEvents = createBusinessEvents({ jobs, clock });
  // Notifications: every automated send is a row with a deterministic key and a delivery job.
  const notifier = createNotifier({ db, jobs });
  const messageOutcomes = createMessageOutcomes({ businessEvents });

  // WhatsApp channel: inboxes, Graph API, media, inbound processing.
  const graph = createGraphClient({ timeoutMs: options.graphTimeoutMs });
  const targets = createWhatsAppTargets({
    box,
    graphUrl: config.whatsapp.graphUrl,
    graphVersion: config.whatsapp.graphVersion,
  });
  const mediaStorage = createLocalMediaStorage(path.join(config.dataDir, 'media'));
  const inbound = createWhatsAppInboundService({
    db,
    inboxes,
    jobs,
    events,
    logger,
    clock,
    businessEvents,
    outcomes: messageOutcomes,
  });

  // Per-key send budgets (e.g. 80/s per WhatsApp number), shared across processes through Redis.
  const rateLimiter = createRateLimiter(
    redis ? { client: redis.client, prefix: config.redis?.prefix ?? 'santana' } : null,
  );
  const outgoing = createOutgoingMessagesService({ db, jobs, events, clock });
  const outgoingAttachments = createOutgoingAttachmentsService({ db, jobs, events, clock });
  const messageActions = createMessageActions({ db, jobs, events, clock });
  const conversationViews = createConversationViews({ db, clock });
  const conversationActions = createConversationActions({ db, events, clock, jobs, businessEvents });
  // Business hours (out-of-office reply) and the greeting menu, reacting to incoming messages.
  const inboxAutomation = createInboxAutomation({
    db,
    jobs,
    events,
    clock,
    conversationActions,
    timeZone: config.timezone,
  });
  businessEvents.register(inboxAutomation.listener);
  // Outgoing webhooks for Santana's events (event_created, assignment_accepted, notification_failed…).
  const santanaWebhooks = createSantanaWebhookListener({ db, jobs });
  businessEvents.register(santanaWebhooks);
  const contacts = createContactsService({ db, events, clock, jobs, audit });
  const inboxAccess = createInboxAccess({ db });
  const conversationCreator = createConversationCreator({ db, events, clock });
  const realtime = createRealtimeHub(events);
  // Administration: inboxes and their members, teams, labels, canned responses.
  const teams = createTeamsService({ db, teams: createTeamsRepo(db), users, audit });
  const labels = createLabelsService({ db, labels: createLabelsRepo(db) });
  const cannedResponses = createCannedResponsesService({ cannedResponses: createCannedResponsesRepo(db) });
  // The dispatcher (below) caches who subscribes to what; a change made here drops it at once.
  const webhooks = createWebhooksService({
    db,
    box,
    jobs,
    audit,
    onChanged: (accountId) => {
      webhookDispatcher.forget(accountId);
      santanaWebhooks.forget(accountId);
    },
  });
  // CRM: events booked for clients and the providers staffing them.
  const crmEvents = createEventsService({ db, audit, events, businessEvents, timeZone: config.timezone });
  const crmAssignments = createAssignmentsService({ db, audit, events, businessEvents, timeZone: config.timezone });
  // CRM: pipeline stages, deals, activities, notes and the contact timeline.
  const crmPipeline = createPipelineServices({ db, audit, clock, events });
  // CRM: service types, and clients and providers (profiles on contacts).
  const crmServiceTypes = createServiceTypesService({ db, audit });
  const crmClients = createClientsService({ db, audit, events });
  const crmProviders = createProvidersService({ db, audit, events, clock });
  // SMS channel: each account's gateway (Twilio, Zenvia, or the simulator's), the send job, status callbacks.
  const sms = createSmsChannel({
    db,
    box,
    audit,
    jobs,
    rateLimiter,
    businessEvents,
    events,
    clock,
    logger,
    simulator,
    config: {
      frontendUrl: config.http.frontendUrl,
      secretKeyBase: config.secretKeyBase,
      twilioApiUrl: config.sms.twilioApiUrl,
      zenviaApiUrl: config.sms.zenviaApiUrl,
    },
  });
  const smsGateway = sms.gateway;
  const notificationRules = createNotificationRulesService({ db, audit });
  const notificationTemplates = createNotificationTemplatesService({ db, audit, timeZone: config.timezone });
  businessEvents.register(createRulePlanner({ db, notifier, clock }));
  businessEvents.register(createFailureFallback({ db, sms: smsGateway, businessEvents }));
  // Consents (SAIR/VOLTAR on WhatsApp, Meta's 131050) and broadcasts to opted-in contacts with a label.
  const consents = createConsentsService({ db, audit, clock });
  // LGPD: everything about one person as a JSON document (their erasure is the contact's deletion).
  const personExport = createPersonExport({
    db,
    clock,
    audit,
    contacts,
    views: conversationViews,
    consents,
    timeline: crmPipeline.timeline,
    clients: crmClients,
    providers: crmProviders,
  });
  for (const listener of createConsentListeners({ db, clock, events, notifier })) businessEvents.register(listener);
  const broadcasts = createBroadcastsService({ db, jobs, audit, clock, notifier });
  // Provider dispatch: offers with Aceitar/Recusar, timeouts, the next candidate, an attendant when none is left.
  const openOffers = createOpenOffersCache(db);
  const dispatch = createDispatchService({
    db,
    audit,
    events,
    businessEvents,
    jobs,
    notifier,
    clock,
    timeZone: config.timezone,
    logger,
    openOffers,
  });
  for (const listener of dispatchListeners(dispatch, openOffers)) businessEvents.register(listener);
  // Automation rules (Chatwoot's shape plus Santana's events and actions): one listener for all rules.
  const automationRules = createAutomationRules({
    db,
    clock,
    audit,
    logger,
    conversationActions,
    outgoing,
    outgoingAttachments,
    deals: crmPipeline.deals,
    notifier,
    dispatch,
    webhookPayloads: createWebhookPayloads({ db, views: conversationViews, frontendUrl: config.http.frontendUrl }),
    secretKeyBase: config.secretKeyBase,
  });
  businessEvents.register(automationRules.listener);
  const webhookDispatcher = createWebhookDispatcher({
    db,
    jobs,
    events,
    payloads: createWebhookPayloads({ db, views: conversationViews, frontendUrl: config.http.frontendUrl }),
    logger,
  });
  // Every role dispatches what it publishes itself (see the event bus's onPublish).
  webhookDispatcher.start();

  // WhatsApp message templates, copied from Meta at start, daily and on demand.
  const templateSync = createTemplateSync({ db, inboxes, graph, targets });
  const templateSyncSchedule = createTemplateSyncSchedule({ jobs, inboxes, clock });
  // Stored webhook bodies and the outgoing webhook log hold people's messages: pruned daily past retention.
  const retention = createRetention({ db, jobs, clock, days: config.retention });
  const inboxAdmin = createInboxAdminService({
    db,
    inboxes,
    users,
    audit,
    box,
    jobs,
    onConnected: (inbox) => templateSyncSchedule.syncSoon(inbox),
    onSettingsChanged: (inbox) => inboxAutomation.forget(inbox.id),
  });

  const sendMessageJob = createSendMessageJob({
    db,
    inboxes,
    graph,
    targets,
    rateLimiter,
    events,
    storage: mediaStorage,
    jobs,
    outcomes: messageOutcomes,
  });
  jobs.setRegistry(
    createJobRegistry([
      systemProbeJob,
      businessEvents.job,
      createProcessWebhookJob({
        db,
        inboxes,
        inbound,
        metrics,
        // PGlite has one connection, which a batch's transaction holds: smaller batches let the webhook
        // intake's statements in between (embedded ack p99 ~250 → ~170 ms under a burst).
        maxBatch: database.kind === 'pglite' ? 50 : undefined,
        // Not bigger afterwards either: a delivery arriving during a long batch would wait for all of it.
        catchUpBatch: database.kind === 'pglite' ? 50 : undefined,
      }),
      createDownloadMediaJob({ db, graph, targets, storage: mediaStorage, events }),
      sendMessageJob,
      // Sends the WhatsApp message it queues itself (in the same job), through the send job's code.
      createDeliverNotificationJob({
        db,
        jobs,
        events,
        clock,
        sms: smsGateway,
        timeZone: config.timezone,
        whatsapp: sendMessageJob,
      }),
      sms.job,
      createBroadcastRunJob({ broadcasts, jobs, clock }),
      createExpireOfferJob(dispatch),
      createSendReactionJob({ db, inboxes, graph, targets, rateLimiter }),
      createMarkReadJob({ db, inboxes, graph, targets }),
      createSyncTemplatesJob({ inboxes, sync: templateSync, schedule: templateSyncSchedule }),
      createDeliverWebhookJob({ db, box, clock, settings: options.webhookDelivery }),
      createWakeSnoozedJob({ actions: conversationActions }),
      createRemoveFilesJob({ db, storage: mediaStorage }),
      createErasePersonDataJob({ db }),
      retention.job,
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
            contacts,
            inboxAccess,
            conversationCreator,
            outgoing,
            outgoingAttachments,
            messageActions,
            webhooks,
            realtime,
            simulator,
            mediaStorage,
            templateSync,
            inboxAdmin,
            teams,
            labels,
            cannedResponses,
            crmEvents,
            crmAssignments,
            crmPipeline,
            crmServiceTypes,
            crmClients,
            crmProviders,
            notificationRules,
            notificationTemplates,
            consents,
            personExport,
            broadcasts,
            dispatch,
            sms,
            automationRules: automationRules.service,
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
      templateSync,
      templateSyncSchedule,
      outgoing,
      simulator,
      notifier,
      businessEvents,
      dispatch,
      sms,
      smsGateway,
    },

    /** Starts what this role runs: workers, scheduler and the HTTP listener. */
    async start(): Promise<string> {
      if (role === 'all' || role === 'worker') await jobs.startWorker();
      if (role === 'all' || role === 'scheduler') jobs.startScheduler();
      const address = await server.listen({ port: config.http.port, host: config.http.host });
      // After listening: the simulator's inbox syncs from the fake Graph API this process serves.
      await templateSyncSchedule
        .enqueueAtStartup()
        .catch((error) => logger.warn({ err: error }, 'Could not enqueue the start-up template syncs'));
      await retention.schedule
        .enqueueAtStartup()
        .catch((error) => logger.warn({ err: error }, 'Could not enqueue the daily pruning'));
      return address;
    },

    /** Graceful stop: in-flight requests complete, running jobs finish or go back to the queue. */
    stop(): Promise<void> {
      stopping ??= (async () => {
        await server.close();
        await jobs.stop(config.shutdownTimeoutMs);
        await webhookDispatcher.stop();
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
