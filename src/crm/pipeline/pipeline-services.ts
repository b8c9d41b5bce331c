import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { Clock } from '../../shared/clock.js';
import { createActivitiesService } from '../activities/activities.service.js';
import { createDealsService } from '../deals/deals.service.js';
import { createNotesService } from '../notes/notes.service.js';
import { createTimelineService } from '../timeline/timeline.service.js';
import { createStagesService } from './stages.service.js';

/** The sales side of the CRM: stages, deals, activities, notes and the contact timeline. */
export function createPipelineServices(deps: { db: Db; audit: AuditRepo; clock: Clock; events: EventBus }) {
  return {
    stages: createStagesService(deps),
    deals: createDealsService(deps),
    activities: createActivitiesService(deps),
    notes: createNotesService(deps),
    timeline: createTimelineService(deps),
  };
}

export type PipelineServices = ReturnType<typeof createPipelineServices>;
