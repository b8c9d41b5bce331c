import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { MembershipCache } from '../accounts/access-cache.js';
import { agentsRoutes } from '../accounts/agents.routes.js';
import type { AgentsService } from '../accounts/agents.service.js';
import type { AuditRepo } from '../accounts/audit.repo.js';
import { auditRoutes } from '../accounts/audit.routes.js';
import { authRoutes } from '../accounts/auth.routes.js';
import type { AuthService } from '../accounts/auth.service.js';
import { profileRoutes } from '../accounts/profile.routes.js';
import type { UsersRepo } from '../accounts/users.repo.js';
import { automationRulesRoutes } from '../automation/rules/automation-rules.routes.js';
import type { AutomationRulesService } from '../automation/rules/automation-rules.service.js';
import type { WebhooksService } from '../automation/webhooks/webhooks.service.js';
import { fakeGraphRoutes } from '../channels/simulator/fake-graph.routes.js';
import { simulatorPhoneRoutes } from '../channels/simulator/phone.routes.js';
import type { Simulator } from '../channels/simulator/simulator.service.js';
import type { SmsChannel } from '../channels/sms/sms-channel.js';
import { smsSettingsRoutes } from '../channels/sms/sms-settings.routes.js';
import { smsWebhookRoutes } from '../channels/sms/sms-webhooks.routes.js';
import type { TemplateSync } from '../channels/whatsapp/template-sync.js';
import { whatsappWebhookRoutes } from '../channels/whatsapp/whatsapp.webhook.routes.js';
import { attachmentsRoutes } from '../compat/chatwoot/attachments.routes.js';
import { chatwootCannedResponsesRoutes } from '../compat/chatwoot/canned-responses.routes.js';
import { chatwootContactMergeRoutes, chatwootContactsRoutes } from '../compat/chatwoot/contacts.routes.js';
import { chatwootConversationActionsRoutes } from '../compat/chatwoot/conversation-actions.routes.js';
import { chatwootConversationsRoutes } from '../compat/chatwoot/conversations.routes.js';
import { chatwootInboxMembersRoutes } from '../compat/chatwoot/inbox-members.routes.js';
import { inboxTemplatesRoutes } from '../compat/chatwoot/inbox-templates.routes.js';
import { chatwootInboxesRoutes } from '../compat/chatwoot/inboxes.routes.js';
import { chatwootLabelsRoutes } from '../compat/chatwoot/labels.routes.js';
import { chatwootMessagesRoutes } from '../compat/chatwoot/messages.routes.js';
import { chatwootTeamsRoutes } from '../compat/chatwoot/teams.routes.js';
import { chatwootWebhooksRoutes } from '../compat/chatwoot/webhooks.routes.js';
import type { Config } from '../config/config.js';
import { assignmentsRoutes } from '../crm/assignments/assignments.routes.js';
import type { AssignmentsService } from '../crm/assignments/assignments.service.js';
import { clientsRoutes } from '../crm/clients/clients.routes.js';
import type { ClientsService } from '../crm/clients/clients.service.js';
import { eventsRoutes } from '../crm/events/events.routes.js';
import type { EventsService } from '../crm/events/events.service.js';
import { pipelineRoutes } from '../crm/pipeline/pipeline.routes.js';
import type { PipelineServices } from '../crm/pipeline/pipeline-services.js';
import { providersRoutes } from '../crm/providers/providers.routes.js';
import type { ProvidersService } from '../crm/providers/providers.service.js';
import { serviceTypesRoutes } from '../crm/service-types/service-types.routes.js';
import type { ServiceTypesService } from '../crm/service-types/service-types.service.js';
import type { Db } from '../db/client.js';
import { dispatchRoutes } from '../dispatch/dispatch.routes.js';
import type { DispatchService } from '../dispatch/dispatch.service.js';
import type { CannedResponsesService } from '../inbox/canned-responses.service.js';
import type { ContactsService } from '../inbox/contacts.service.js';
import type { ConversationActions } from '../inbox/conversation-actions.service.js';
import type { ConversationCreator } from '../inbox/conversation-create.service.js';
import type { ConversationViews } from '../inbox/conversation-views.js';
import type { InboxAccess } from '../inbox/inbox-access.js';
import type { InboxAdminService } from '../inbox/inbox-admin.service.js';
import type { InboxesRepo } from '../inbox/inboxes.repo.js';
import type { LabelsService } from '../inbox/labels.service.js';
import type { MessageActions } from '../inbox/message-actions.service.js';
import type { OutgoingAttachmentsService } from '../inbox/outgoing-attachments.service.js';
import type { OutgoingMessagesService } from '../inbox/outgoing-messages.service.js';
import type { TeamsService } from '../inbox/teams.service.js';
import type { JobSystem } from '../jobs/job-system.js';
import { jobsRoutes } from '../jobs/jobs.routes.js';
import { broadcastsRoutes } from '../notify/broadcasts/broadcasts.routes.js';
import type { BroadcastsService } from '../notify/broadcasts/broadcasts.service.js';
import { consentsRoutes } from '../notify/consents/consents.routes.js';
import type { ConsentsService } from '../notify/consents/consents.service.js';
import { notificationsRoutes } from '../notify/notifications.routes.js';
import { notificationRulesRoutes } from '../notify/rules/rules.routes.js';
import type { NotificationRulesService } from '../notify/rules/rules.service.js';
import { notificationTemplatesRoutes } from '../notify/templates/notification-templates.routes.js';
import type { NotificationTemplatesService } from '../notify/templates/notification-templates.service.js';
import { personExportRoutes } from '../privacy/person-export.routes.js';
import type { PersonExport } from '../privacy/person-export.service.js';
import { realtimeRoutes } from '../realtime/realtime.routes.js';
import type { RealtimeHub } from '../realtime/realtime-hub.js';
import type { SecretBox } from '../shared/crypto.js';
import type { Logger } from '../shared/logger.js';
import type { MediaStorage } from '../shared/media-storage.js';
import type { Metrics } from '../shared/metrics.js';
import { registerApiAuth } from './api-auth.js';
import { registerErrorHandler } from './error-handler.js';
import { healthRoutes, type ReadinessCheck } from './health.routes.js';
import { staticHelmetHeaders } from './security-headers.js';
import { webRoutes } from './web.routes.js';

export interface ServerDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  readiness: Record<string, ReadinessCheck>;
  readinessDetails?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Without the API (worker and scheduler roles): health and metrics only. */
  api: {
    db: Db;
    auth: AuthService;
    users: UsersRepo;
    memberships: MembershipCache;
    agents: AgentsService;
    audit: AuditRepo;
    jobs: JobSystem;
    inboxes: InboxesRepo;
    box: SecretBox;
    conversationViews: ConversationViews;
    conversationActions: ConversationActions;
    contacts: ContactsService;
    inboxAccess: InboxAccess;
    conversationCreator: ConversationCreator;
    outgoing: OutgoingMessagesService;
    outgoingAttachments: OutgoingAttachmentsService;
    messageActions: MessageActions;
    webhooks: WebhooksService;
    realtime: RealtimeHub;
    simulator: Simulator | null;
    mediaStorage: MediaStorage;
    templateSync: TemplateSync;
    inboxAdmin: InboxAdminService;
    teams: TeamsService;
    labels: LabelsService;
    cannedResponses: CannedResponsesService;
    crmEvents: EventsService;
    crmAssignments: AssignmentsService;
    crmPipeline: PipelineServices;
    crmServiceTypes: ServiceTypesService;
    crmClients: ClientsService;
    crmProviders: ProvidersService;
    notificationRules: NotificationRulesService;
    notificationTemplates: NotificationTemplatesService;
    consents: ConsentsService;
    personExport: PersonExport;
    broadcasts: BroadcastsService;
    dispatch: DispatchService;
    sms: SmsChannel;
    automationRules: AutomationRulesService;
    webDistDir: string;
  } | null;
}

export const SANTANA_VERSION = '0.1.0';
const QUIET_PATHS = new Set(['/livez', '/readyz', '/metrics']);
const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;
export const BODY_LIMIT_BYTES = 1024 * 1024;

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: deps.config.http.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    connectionTimeout: 60_000,
    requestTimeout: 30_000,
    // Longer than Nginx's upstream keepalive so the proxy, not us, closes idle connections.
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    logController: new LogController({
      requestIdLogLabel: 'reqId',
      // Probes hit these every few seconds; logging each one would drown the useful lines.
      disableRequestLogging: (request) => QUIET_PATHS.has(request.url),
    }),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  // Graceful close: answers given while stopping end their keep-alive connection, and connections that
  // become idle after close() began are closed, so a browser or Nginx cannot hold the process open.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    // Open event streams would keep close() waiting forever; clients reconnect elsewhere.
    deps.api?.realtime.closeAll();
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
    sweep.unref();
    app.server.once('close', () => clearInterval(sweep));
  });
  // Callback hooks (not async): every request runs them, and a promise each is garbage at thousands a second.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  // Helmet's headers, computed once: with no nonces they are the same for every response, and running its
  // dozen middlewares per request was a measurable share of a webhook burst (@fastify/helmet even rebuilt
  // them per request). Same headers as helmet sets, given to each reply.
  const securityHeaders = staticHelmetHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  // Routes that only servers call (Meta's deliveries, thousands a second, a fixed JSON answer) skip the
  // headers that instruct browsers; building a dozen headers was ~6 % of such a request's allocations.
  const serverOnlyHeaders = { 'x-content-type-options': 'nosniff' };
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.routeOptions.config.browserHeaders === false ? serverOnlyHeaders : securityHeaders);
    done();
  });

  await app.register(healthRoutes, {
    checks: deps.readiness,
    details: deps.readinessDetails,
    metrics: deps.metrics,
  });

  const api = deps.api;
  if (api) {
    await app.register(fastifyCookie);
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Santana API',
          version: '1',
          description:
            'Atendimento por WhatsApp, CRM e notificações. Compatível com a API de aplicação do Chatwoot em /api/v1/accounts/{account_id}/…',
        },
        components: {
          securitySchemes: {
            userApiKey: { type: 'apiKey', in: 'header', name: 'api_access_token' },
            bearerAuth: { type: 'http', scheme: 'bearer' },
            sessionCookie: { type: 'apiKey', in: 'cookie', name: 'santana_session' },
          },
        },
        security: [{ userApiKey: [] }, { bearerAuth: [] }, { sessionCookie: [] }],
      },
      transform: jsonSchemaTransform,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    // Chatwoot answers this without a token; clients call it to check a configured URL.
    app.get('/api', { schema: { hide: true } }, async () => ({
      version: SANTANA_VERSION,
      timestamp: new Date().toISOString(),
      queue_services: 'ok',
      data_services: 'ok',
      // Santana: whether the built-in WhatsApp simulator is on (the web app links to it only then).
      simulator: api.simulator !== null,
    }));

    await app.register(authRoutes, { auth: api.auth, frontendUrl: deps.config.http.frontendUrl });
    await app.register(whatsappWebhookRoutes, { db: api.db, inboxes: api.inboxes, box: api.box, jobs: api.jobs });
    await app.register(smsWebhookRoutes, {
      prefix: '/webhooks/sms',
      settings: api.sms.settings,
      status: api.sms.status,
      urls: api.sms.urls,
      logger: deps.logger,
    });

    const apiAuth = registerApiAuth(app, {
      auth: api.auth,
      memberships: api.memberships,
      frontendUrl: deps.config.http.frontendUrl,
    });
    await app.register(
      async (v1) => {
        v1.addHook('onRequest', apiAuth.authenticate);
        await v1.register(profileRoutes, { auth: api.auth, users: api.users, memberships: api.memberships });
        await v1.register(
          async (account) => {
            account.addHook('preHandler', apiAuth.loadAccount);
            // Agents reach only conversations of inboxes they are members of (404 otherwise).
            account.addHook('preHandler', (request) => api.inboxAccess.guardConversation(request));
            await account.register(agentsRoutes, { prefix: '/agents', agents: api.agents });
            await account.register(auditRoutes, { prefix: '/audit_logs', audit: api.audit });
            await account.register(jobsRoutes, { prefix: '/jobs', jobs: api.jobs });
            await account.register(chatwootInboxesRoutes, {
              prefix: '/inboxes',
              inboxAdmin: api.inboxAdmin,
              frontendUrl: deps.config.http.frontendUrl,
              timeZone: deps.config.timezone,
            });
            await account.register(inboxTemplatesRoutes, {
              prefix: '/inboxes',
              db: api.db,
              inboxes: api.inboxes,
              sync: api.templateSync,
            });
            await account.register(chatwootInboxMembersRoutes, {
              prefix: '/inbox_members',
              inboxAdmin: api.inboxAdmin,
            });
            await account.register(chatwootTeamsRoutes, { prefix: '/teams', teams: api.teams });
            await account.register(chatwootLabelsRoutes, { prefix: '/labels', labels: api.labels });
            await account.register(chatwootCannedResponsesRoutes, {
              prefix: '/canned_responses',
              cannedResponses: api.cannedResponses,
            });
            await account.register(chatwootWebhooksRoutes, { prefix: '/webhooks', webhooks: api.webhooks });
            await account.register(automationRulesRoutes, {
              prefix: '/automation_rules',
              rules: api.automationRules,
              secretKeyBase: deps.config.secretKeyBase,
            });
            await account.register(chatwootContactsRoutes, {
              prefix: '/contacts',
              contacts: api.contacts,
              views: api.conversationViews,
              access: api.inboxAccess,
            });
            await account.register(chatwootContactMergeRoutes, { prefix: '/actions', contacts: api.contacts });
            await account.register(personExportRoutes, { prefix: '/contacts', personExport: api.personExport });
            await account.register(chatwootConversationsRoutes, {
              prefix: '/conversations',
              views: api.conversationViews,
              actions: api.conversationActions,
              creator: api.conversationCreator,
              outgoing: api.outgoing,
              access: api.inboxAccess,
            });
            await account.register(chatwootConversationActionsRoutes, {
              prefix: '/conversations',
              views: api.conversationViews,
              actions: api.conversationActions,
            });
            // The realtime stream has its own path: GET /events is the CRM calendar (issue 5's contract).
            await account.register(realtimeRoutes, { prefix: '/realtime', hub: api.realtime, access: api.inboxAccess });
            await account.register(eventsRoutes, {
              prefix: '/events',
              db: api.db,
              events: api.crmEvents,
              timeZone: deps.config.timezone,
              access: api.inboxAccess,
            });
            await account.register(assignmentsRoutes, {
              prefix: '/events/:event_id/assignments',
              assignments: api.crmAssignments,
              events: api.crmEvents,
            });
            // Pipeline stages, deals, activities, contact notes and timeline, CRM audit log.
            await account.register(pipelineRoutes, {
              db: api.db,
              pipeline: api.crmPipeline,
              clients: api.crmClients,
              access: api.inboxAccess,
            });
            await account.register(serviceTypesRoutes, { prefix: '/service_types', serviceTypes: api.crmServiceTypes });
            await account.register(clientsRoutes, { prefix: '/clients', clients: api.crmClients });
            await account.register(providersRoutes, { prefix: '/providers', providers: api.crmProviders });
            await account.register(notificationRulesRoutes, {
              prefix: '/notification_rules',
              rules: api.notificationRules,
            });
            await account.register(notificationsRoutes, { db: api.db });
            await account.register(notificationTemplatesRoutes, {
              prefix: '/notification_templates',
              templates: api.notificationTemplates,
            });
            await account.register(consentsRoutes, { prefix: '/contacts', consents: api.consents });
            await account.register(broadcastsRoutes, { prefix: '/broadcasts', broadcasts: api.broadcasts });
            await account.register(dispatchRoutes, { dispatch: api.dispatch });
            await account.register(smsSettingsRoutes, { prefix: '/sms_settings', settings: api.sms.settings });
            await account.register(attachmentsRoutes, {
              prefix: '/attachments',
              db: api.db,
              storage: api.mediaStorage,
            });
            await account.register(chatwootMessagesRoutes, {
              prefix: '/conversations/:conversation_id/messages',
              views: api.conversationViews,
              outgoing: api.outgoing,
              attachments: api.outgoingAttachments,
              actions: api.messageActions,
              storage: api.mediaStorage,
            });
          },
          { prefix: '/accounts/:account_id' },
        );
      },
      { prefix: '/api/v1' },
    );
    if (api.simulator) {
      const simulator = api.simulator;
      await app.register(fakeGraphRoutes, { prefix: '/simulator/graph', simulator, logger: deps.logger, root: app });
      await app.register(
        async (phones) => {
          phones.addHook('onRequest', apiAuth.authenticate);
          await phones.register(simulatorPhoneRoutes, { simulator, memberships: api.memberships, root: app });
        },
        { prefix: '/simulator/api' },
      );
    }
    await app.register(webRoutes, { distDir: api.webDistDir });
  } else {
    app.setNotFoundHandler(async (_request, reply) =>
      reply.code(404).send({ error: 'not_found', message: 'Este processo atende apenas /livez, /readyz e /metrics.' }),
    );
  }
  return app;
}
