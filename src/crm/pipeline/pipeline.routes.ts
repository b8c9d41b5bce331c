import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.js';
import type { InboxAccess } from '../../inbox/inbox-access.js';
import { activitiesRoutes } from '../activities/activities.routes.js';
import { crmAuditRoutes } from '../audit.routes.js';
import type { ClientsService } from '../clients/clients.service.js';
import { conversationCrmRoutes } from '../deals/conversation-crm.routes.js';
import { dealsRoutes } from '../deals/deals.routes.js';
import { contactNotesRoutes } from '../notes/notes.routes.js';
import { contactTimelineRoutes } from '../timeline/timeline.routes.js';
import type { PipelineServices } from './pipeline-services.js';
import { pipelineStagesRoutes } from './stages.routes.js';

/** Routes of the sales side of the CRM, under /api/v1/accounts/:account_id. */
export async function pipelineRoutes(
  app: FastifyInstance,
  deps: { db: Db; pipeline: PipelineServices; clients: ClientsService; access: InboxAccess },
) {
  const { pipeline, access } = deps;
  await app.register(pipelineStagesRoutes, { prefix: '/pipeline_stages', stages: pipeline.stages });
  await app.register(dealsRoutes, { prefix: '/deals', deals: pipeline.deals, access });
  await app.register(activitiesRoutes, { prefix: '/activities', activities: pipeline.activities });
  await app.register(contactNotesRoutes, { prefix: '/contacts', notes: pipeline.notes });
  await app.register(contactTimelineRoutes, { prefix: '/contacts', timeline: pipeline.timeline, access });
  await app.register(conversationCrmRoutes, {
    prefix: '/conversations',
    db: deps.db,
    deals: pipeline.deals,
    clients: deps.clients,
    access,
  });
  await app.register(crmAuditRoutes, { prefix: '/audit_log', db: deps.db });
}
