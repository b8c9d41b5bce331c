import { sql } from 'kysely';
import { z } from 'zod';
import type { SmsGateway } from '../channels/sms/sms-gateway.js';
import { InteractiveSchema } from '../channels/whatsapp/outbound-payload.js';
import { assertTemplateSendable } from '../channels/whatsapp/template-validation.js';
import type { Db } from '../db/client.js';
import type { Contact, Notification } from '../db/schema.js';
import { inTransaction, type TxContext } from '../db/transaction.js';
import { contactsRepo } from '../inbox/contacts.repo.js';
import { defineJob } from '../jobs/job-definition.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { consentAllows } from './consents/consents.repo.js';
import { deliveryJobKey, type FixedContent } from './notifier.js';
import { quietHoursOf, quietWindowEnd } from './quiet-hours.js';
import { loadRenderContext, renderNotificationTemplate } from './templates/render.js';
import { queueWhatsAppMessage, whatsappRouteFor } from './whatsapp-delivery.js';

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
}

/** Why a notification is not worth sending any more, or null when it still is. */
async function staleReason(trx: Trx, notification: Notification, now: Date): Promise<string | null> {
  if (notification.kind === 'offer' && notification.assignment_id) {
    const offer = await trx
      .selectFrom('assignments')
      .select('status')
      .where('account_id', '=', notification.account_id)
      .where('id', '=', notification.assignment_id)
      .executeTakeFirst();
    if (offer?.status !== 'offered') return 'offer_closed: a oferta já foi respondida ou encerrada';
  }
  if (!notification.event_id || notification.kind !== 'rule') return null;
  const event = await trx
    .selectFrom('events')
    .select(['starts_at', 'status'])
    .where('account_id', '=', notification.account_id)
    .where('id', '=', notification.event_id)
    .executeTakeFirst();
  if (!event) return 'event_gone: o evento não existe mais';
  const rule = notification.rule_id
    ? await trx
        .selectFrom('notification_rules')
        .select('trigger')
        .where('account_id', '=', notification.account_id)
        .where('id', '=', notification.rule_id)
        .executeTakeFirst()
    : undefined;
  if (event.status === 'cancelled' && rule?.trigger !== 'event.cancelled') {
    return 'event_cancelled: o evento foi cancelado';
  }
  // A reminder that would arrive after the event began is useless (the service was down, say).
  if (rule?.trigger === 'event.before_start' && now.getTime() >= event.starts_at.getTime()) {
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

  async function deliver(tx: TxContext, notification: Notification, now: Date): Promise<'done' | 'skipped'> {
    const { trx } = tx;
    const lateness = Math.max(0, now.getTime() - notification.due_at.getTime());
    const stale = await staleReason(trx, notification, now);
    if (stale) {
      const cancelled = stale.startsWith('event_cancelled') || stale.startsWith('offer_closed');
      await finish(trx, notification.id, { status: cancelled ? 'cancelled' : 'skipped', reason: stale });
      return 'skipped';
    }
    const consent = await consentAllows(trx, notification.account_id, notification.contact_id, {
      category: notification.category,
      essential: notification.essential,
    });
    if (!consent.allowed) {
      await finish(trx, notification.id, { status: 'skipped', reason: consent.reason });
      return 'skipped';
    }
    if (!notification.essential) {
      const account = await trx
        .selectFrom('accounts')
        .select('notification_settings')
        .where('id', '=', notification.account_id)
        .executeTakeFirstOrThrow();
      const windowEnd = quietWindowEnd(now, quietHoursOf(account.notification_settings), deps.timeZone);
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
        return 'done';
      }
    }

    const contact = (await contactsRepo.find(trx, notification.account_id, notification.contact_id)) as Contact;
    const rendered = await renderFor(deps, trx, notification);
    const route = await whatsappRouteFor(trx, contact, now);
    const sent = {
      status: 'queued' as const,
      lateness_ms: lateness,
      attempts: sql`attempts + 1`,
      rendered: JSON.stringify({ ...rendered, content: undefined }),
    };
    const baseAttributes = { notification_id: notification.id, automated: notification.kind };

    if (route?.windowOpen && (rendered.interactive || rendered.text)) {
      const message = await queueWhatsAppMessage(
        deps,
        tx,
        contact,
        route,
        rendered.interactive
          ? {
              messageType: 1,
              contentType: 'input_select',
              content: rendered.interactive.body,
              contentAttributes: { ...baseAttributes, interactive: rendered.interactive },
            }
          : { messageType: 1, contentType: 'text', content: rendered.text, contentAttributes: baseAttributes },
        now,
      );
      await finish(trx, notification.id, { ...sent, channel: 'whatsapp', message_id: message.id, reason: null });
      return 'done';
    }

    let templateProblem: string | null = null;
    if (route && rendered.whatsapp) {
      try {
        await assertTemplateSendable(trx, route.inboxId, rendered.whatsapp);
        const message = await queueWhatsAppMessage(
          deps,
          tx,
          contact,
          route,
          {
            messageType: 3,
            contentType: 'text',
            content: rendered.text ?? rendered.whatsapp.name,
            contentAttributes: { ...baseAttributes, template: rendered.whatsapp },
          },
          now,
        );
        await finish(trx, notification.id, { ...sent, channel: 'whatsapp', message_id: message.id, reason: null });
        return 'done';
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        templateProblem = error.message;
      }
    }

    if (rendered.sms && contact.phone_number && (await deps.sms.isAvailable(notification.account_id, trx))) {
      await finish(trx, notification.id, { ...sent, channel: 'sms', reason: templateProblem });
      await deps.sms.enqueue(tx, notification.account_id, notification.id);
      return 'done';
    }

    const reason = templateProblem
      ? `template_unavailable: ${templateProblem}`
      : !route
        ? 'no_channel: o contato não tem WhatsApp nem SMS disponível'
        : route.windowOpen
          ? 'no_content: o modelo não tem texto para a janela aberta nem variante de WhatsApp'
          : 'window_closed: janela de 24 h fechada e nenhum modelo aprovado do WhatsApp nem SMS';
    await finish(trx, notification.id, { status: 'skipped', reason, lateness_ms: lateness });
    return 'skipped';
  }

  return defineJob({
    name: 'notify.deliver',
    queue: 'notify',
    schema: z.object({ notificationId: z.number().int().positive(), dueAt: z.number().int() }),
    maxAttempts: 10,
    backoff: { baseMs: 1000, maxMs: 5 * 60 * 1000 },
    async handler({ notificationId, dueAt }) {
      return inTransaction(deps.db, async (tx) => {
        const notification = await tx.trx
          .selectFrom('notifications')
          .selectAll()
          .where('id', '=', notificationId)
          .forUpdate()
          .executeTakeFirst();
        if (notification?.status !== 'scheduled') return 'skipped';
        // Moved (rescheduled, quiet hours): the job for the new time sends it.
        if (notification.due_at.getTime() !== dueAt) return 'skipped';
        return deliver(tx, notification, deps.clock.now());
      });
    },
  });
}
