import { sql } from 'kysely';
import { z } from 'zod';
import type { SmsGateway } from '../channels/sms/sms-gateway.js';
import { InteractiveSchema } from '../channels/whatsapp/outbound-payload.js';
import { assertTemplateSendable } from '../channels/whatsapp/template-validation.js';
import type { Db } from '../db/client.js';
import type { Message, Notification } from '../db/schema.js';
import { inTransaction, type TxContext } from '../db/transaction.js';
import { defineJob, type JobContext, type JobOutcome } from '../jobs/job-definition.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { type ConsentRow, consentDecision, consentsFromRows } from './consents/consents.repo.js';
import { deliveryJobKey, type FixedContent } from './notifier.js';
import { quietHoursOf, quietWindowEnd } from './quiet-hours.js';
import { loadRenderContext, renderNotificationTemplate } from './templates/render.js';
import {
  type OutgoingAutomated,
  type QueuedWhatsApp,
  queueWhatsAppMessage,
  type WhatsAppRoute,
  whatsappRouteFor,
} from './whatsapp-delivery.js';

type Trx = TxContext['trx'];

interface Rendered {
  text: string | null;
  sms: string | null;
  whatsapp: { name: string; language: string; components: Array<Record<string, unknown>> } | null;
  interactive: z.infer<typeof InteractiveSchema> | null;
}

export interface DeliverDeps {
  db: Db;
  jobs: JobSystem;
  events: EventBus;
  clock: Clock;
  sms: SmsGateway;
  timeZone: string;
  /** Sends a message this job just queued (the send job's `sendQueued`). */
  whatsapp: {
    sendQueued(loaded: { message: Message; sourceId: string }, context: JobContext): Promise<JobOutcome>;
  };
}

/**
 * The notification, locked, with everything the send decision reads, in one statement (each statement
 * is a round trip on the embedded database's single connection): the person's phone and consents, the
 * account's quiet hours, and what decides whether it is still worth sending (event, rule, offer).
 */
async function loadLocked(trx: Trx, notificationId: number) {
  const row = await trx
    .selectFrom('notifications')
    .innerJoin('accounts', 'accounts.id', 'notifications.account_id')
    .leftJoin('contacts', (join) =>
      join
        .onRef('contacts.id', '=', 'notifications.contact_id')
        .onRef('contacts.account_id', '=', 'notifications.account_id'),
    )
    .leftJoin('events', (join) =>
      join
        .onRef('events.id', '=', 'notifications.event_id')
        .onRef('events.account_id', '=', 'notifications.account_id'),
    )
    .leftJoin('notification_rules', (join) =>
      join
        .onRef('notification_rules.id', '=', 'notifications.rule_id')
        .onRef('notification_rules.account_id', '=', 'notifications.account_id'),
    )
    .leftJoin('assignments', (join) =>
      join
        .onRef('assignments.id', '=', 'notifications.assignment_id')
        .onRef('assignments.account_id', '=', 'notifications.account_id'),
    )
    .selectAll('notifications')
    .select((eb) => [
      'contacts.id as contact_found',
      'contacts.phone_number as contact_phone',
      'events.id as event_found',
      'events.starts_at as event_starts_at',
      'events.status as event_status',
      'notification_rules.trigger as rule_trigger',
      'assignments.status as assignment_status',
      'accounts.notification_settings as account_settings',
      eb
        .selectFrom('contact_consents')
        .select(
          sql<
            ConsentRow[]
          >`coalesce(json_agg(json_build_object('purpose', purpose, 'status', status, 'source', source, 'at', at)), '[]')`.as(
            'rows',
          ),
        )
        .whereRef('contact_consents.account_id', '=', 'notifications.account_id')
        .whereRef('contact_consents.contact_id', '=', 'notifications.contact_id')
        .as('consent_rows'),
    ])
    .where('notifications.id', '=', notificationId)
    .forUpdate('notifications')
    .executeTakeFirst();
  if (!row) return undefined;
  const {
    contact_found: contactFound,
    contact_phone: contactPhone,
    event_found: eventFound,
    event_starts_at: eventStartsAt,
    event_status: eventStatus,
    rule_trigger: ruleTrigger,
    assignment_status: assignmentStatus,
    account_settings: accountSettings,
    consent_rows: consentRows,
    ...notification
  } = row;
  return {
    notification: notification as Notification,
    contact:
      contactFound === null
        ? null
        : { id: contactFound, account_id: notification.account_id, phone_number: contactPhone },
    event: eventFound === null || eventStartsAt === null ? null : { starts_at: eventStartsAt, status: eventStatus },
    ruleTrigger,
    assignmentStatus,
    accountSettings,
    consents: consentsFromRows(consentRows ?? []),
  };
}

type Loaded = NonNullable<Awaited<ReturnType<typeof loadLocked>>>;

/** Why a notification is not worth sending any more, or null when it still is. */
function staleReason(loaded: Loaded, now: Date): string | null {
  const { notification, event, ruleTrigger } = loaded;
  if (notification.kind === 'offer' && notification.assignment_id && loaded.assignmentStatus !== 'offered') {
    return 'offer_closed: a oferta já foi respondida ou encerrada';
  }
  if (!notification.event_id || notification.kind !== 'rule') return null;
  if (!event) return 'event_gone: o evento não existe mais';
  if (event.status === 'cancelled' && ruleTrigger !== 'event.cancelled') {
    return 'event_cancelled: o evento foi cancelado';
  }
  // A reminder that would arrive after the event began is useless (the service was down, say).
  if (ruleTrigger === 'event.before_start' && now.getTime() >= event.starts_at.getTime()) {
    return 'too_late: o evento já tinha começado quando o lembrete ia sair';
  }
  return null;
}

async function renderFor(deps: DeliverDeps, trx: Trx, notification: Notification): Promise<Rendered> {
  const fixed = ((notification.rendered as { content?: FixedContent } | null)?.content ?? {}) as FixedContent;
  const template = notification.template_id
    ? await trx
        .selectFrom('notification_templates')
        .selectAll()
        .where('account_id', '=', notification.account_id)
        .where('id', '=', notification.template_id)
        .executeTakeFirst()
    : undefined;
  const fromTemplate = template
    ? renderNotificationTemplate(
        template,
        await loadRenderContext(
          trx,
          notification.account_id,
          {
            contactId: notification.contact_id,
            eventId: notification.event_id,
            assignmentId: notification.assignment_id,
          },
          deps.timeZone,
        ),
        deps.timeZone,
      )
    : { text: null, sms: null, whatsapp: null };
  return {
    text: fixed.text ?? fromTemplate.text,
    sms: fixed.sms ?? fromTemplate.sms,
    whatsapp: fromTemplate.whatsapp,
    interactive: fixed.interactive ? InteractiveSchema.parse(fixed.interactive) : null,
  };
}

/**
 * Sends one due notification, exactly once: the row is locked and must still be `scheduled` at the
 * due time this job was queued for (a moved notification has its own job). Consent first, then quiet
 * hours (non-essential sends wait for the window's end), then the cheapest channel that reaches the
 * person: free text or buttons inside the 24-hour window, the approved template outside it, SMS last.
 * What it decided is written on the row in the same transaction that queues the send.
 */
export function createDeliverNotificationJob(deps: DeliverDeps) {
  async function finish(trx: Trx, id: number, values: Record<string, unknown>) {
    await trx
      .updateTable('notifications')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }

  /** What was decided; a queued WhatsApp message is sent by the same job once this commits. */
  type Decision = { outcome: JobOutcome; queued?: QueuedWhatsApp };

  async function deliver(tx: TxContext, loaded: Loaded, now: Date): Promise<Decision> {
    const { trx } = tx;
    const { notification } = loaded;
    const lateness = Math.max(0, now.getTime() - notification.due_at.getTime());
    const stale = staleReason(loaded, now);
    if (stale) {
      const cancelled = stale.startsWith('event_cancelled') || stale.startsWith('offer_closed');
      await finish(trx, notification.id, { status: cancelled ? 'cancelled' : 'skipped', reason: stale });
      return { outcome: 'skipped' };
    }
    const consent = consentDecision(loaded.consents, {
      category: notification.category,
      essential: notification.essential,
    });
    if (!consent.allowed) {
      await finish(trx, notification.id, { status: 'skipped', reason: consent.reason });
      return { outcome: 'skipped' };
    }
    if (!notification.essential) {
      const windowEnd = quietWindowEnd(now, quietHoursOf(loaded.accountSettings), deps.timeZone);
      if (windowEnd) {
        await finish(trx, notification.id, {
          due_at: windowEnd,
          original_due_at: notification.original_due_at ?? notification.due_at,
          reason: `quiet_hours: adiada para ${windowEnd.toISOString()} (horário de silêncio)`,
        });
        await deps.jobs.enqueue(
          'notify.deliver',
          { notificationId: notification.id, dueAt: windowEnd.getTime() },
          { tx, runAt: windowEnd, key: deliveryJobKey(notification.id, windowEnd), accountId: notification.account_id },
        );
        return { outcome: 'done' };
      }
    }

    const contact = loaded.contact;
    if (!contact) {
      await finish(trx, notification.id, { status: 'skipped', reason: 'no_channel: o contato não existe mais' });
      return { outcome: 'skipped' };
    }
    const rendered = await renderFor(deps, trx, notification);
    const route = await whatsappRouteFor(trx, contact, now);
    const sent = {
      status: 'queued' as const,
      lateness_ms: lateness,
      attempts: sql<number>`attempts + 1`,
      rendered: JSON.stringify({ ...rendered, content: undefined }),
    };
    const baseAttributes = { notification_id: notification.id, automated: notification.kind };
    const queueOnWhatsApp = (route: WhatsAppRoute, outgoing: OutgoingAutomated) =>
      queueWhatsAppMessage(
        deps,
        tx,
        contact,
        route,
        outgoing,
        { id: notification.id, values: { lateness_ms: lateness, rendered: sent.rendered } },
        now,
      );

    if (route?.windowOpen && (rendered.interactive || rendered.text)) {
      const queued = await queueOnWhatsApp(
        route,
        rendered.interactive
          ? {
              messageType: 1,
              contentType: 'input_select',
              content: rendered.interactive.body,
              contentAttributes: { ...baseAttributes, interactive: rendered.interactive },
            }
          : { messageType: 1, contentType: 'text', content: rendered.text, contentAttributes: baseAttributes },
      );
      return { outcome: 'done', queued };
    }

    let templateProblem: string | null = null;
    if (route && rendered.whatsapp) {
      try {
        await assertTemplateSendable(trx, route.inboxId, rendered.whatsapp);
        const queued = await queueOnWhatsApp(route, {
          messageType: 3,
          contentType: 'text',
          content: rendered.text ?? rendered.whatsapp.name,
          contentAttributes: { ...baseAttributes, template: rendered.whatsapp },
        });
        return { outcome: 'done', queued };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        templateProblem = error.message;
      }
    }

    if (rendered.sms && contact.phone_number && (await deps.sms.isAvailable(notification.account_id, trx))) {
      await finish(trx, notification.id, { ...sent, channel: 'sms', reason: templateProblem });
      await deps.sms.enqueue(tx, notification.account_id, notification.id);
      return { outcome: 'done' };
    }

    const reason = templateProblem
      ? `template_unavailable: ${templateProblem}`
      : !route
        ? 'no_channel: o contato não tem WhatsApp nem SMS disponível'
        : route.windowOpen
          ? 'no_content: o modelo não tem texto para a janela aberta nem variante de WhatsApp'
          : 'window_closed: janela de 24 h fechada e nenhum modelo aprovado do WhatsApp nem SMS';
    await finish(trx, notification.id, { status: 'skipped', reason, lateness_ms: lateness });
    return { outcome: 'skipped' };
  }

  return defineJob({
    name: 'notify.deliver',
    queue: 'notify',
    schema: z.object({ notificationId: z.number().int().positive(), dueAt: z.number().int() }),
    maxAttempts: 10,
    backoff: { baseMs: 1000, maxMs: 5 * 60 * 1000 },
    async handler({ notificationId, dueAt }) {
      const decision = await inTransaction(deps.db, async (tx): Promise<Decision> => {
        const loaded = await loadLocked(tx.trx, notificationId);
        if (loaded?.notification.status !== 'scheduled') return { outcome: 'skipped' };
        // Moved (rescheduled, quiet hours): the job for the new time sends it.
        if (loaded.notification.due_at.getTime() !== dueAt) return { outcome: 'skipped' };
        return deliver(tx, loaded, deps.clock.now());
      });
      // Committed: the message and its send job exist, so a crash from here on is recovered by the send
      // job's lease like any other send. Sending here saves a queue round trip and re-reading the rows.
      const queued = decision.queued;
      if (queued?.sendJob) {
        await deps.jobs.runClaimed(queued.sendJob, (context) =>
          deps.whatsapp.sendQueued({ message: queued.message, sourceId: queued.sourceId }, context),
        );
      }
      return decision.outcome;
    },
  });
}
