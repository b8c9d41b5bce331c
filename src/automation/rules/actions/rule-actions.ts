import { KIND_OF_FILE_TYPE } from '../../../channels/whatsapp/outgoing-media.js';
import type { DealsService } from '../../../crm/deals/deals.service.js';
import type { CrmActor } from '../../../crm/pipeline/actor.js';
import type { Db } from '../../../db/client.js';
import { isDatabaseUnavailable } from '../../../db/errors.js';
import type { AutomationRule, Conversation, Priority } from '../../../db/schema.js';
import { inTransaction } from '../../../db/transaction.js';
import type { ConversationActions } from '../../../inbox/conversation-actions.service.js';
import type { OutgoingAttachmentsService } from '../../../inbox/outgoing-attachments.service.js';
import type { OutgoingMessagesService } from '../../../inbox/outgoing-messages.service.js';
import type { Notifier } from '../../../notify/notifier.js';
import type { Clock } from '../../../shared/clock.js';
import type { WebhookPayloads } from '../../webhooks/webhook-payloads.js';
import type { PerformedBy } from '../engine/performed-by.js';
import type { RuleSubject } from '../engine/rule-subject.js';
import type { ActionName } from '../rule-catalog.js';
import type { RuleAction } from '../rule-schemas.js';
import { postRuleWebhook, ruleWebhookBody, ruleWebhookSecret } from './rule-webhook.js';

/** The dispatch service's entry point (src/dispatch), as automation uses it. */
export interface RuleDispatcher {
  start(
    actor: { accountId: number; userId: number | null; ip?: string | null },
    eventId: number,
    input: { service: string | number; strategy: 'broadcast' | 'sequential'; offer_ttl_minutes?: number },
  ): Promise<{ id: number }>;
}

export interface RuleActionDeps {
  db: Db;
  clock: Clock;
  conversationActions: ConversationActions;
  outgoing: OutgoingMessagesService;
  outgoingAttachments: OutgoingAttachmentsService;
  deals: DealsService;
  notifier: Pick<Notifier, 'schedule'> | null;
  dispatch: RuleDispatcher | null;
  webhookPayloads: WebhookPayloads;
  secretKeyBase: string;
  fetch?: typeof fetch;
}

/** One rule firing: what it acts on, as whom, and the id of what triggered it. */
export interface RuleRun {
  rule: AutomationRule;
  eventName: string;
  subject: RuleSubject;
  /** Identifies the triggering business event (notification keys, run dedupe). */
  trigger: string;
  userId: number;
  performedBy: PerformedBy;
}

export interface ActionOutcome {
  action_name: string;
  status: 'done' | 'error';
  error?: string;
  result?: Record<string, unknown>;
}

type Handler = (params: unknown[], run: RuleRun) => Promise<Record<string, unknown> | undefined>;

const DEFAULT_SNOOZE_MINUTES = 24 * 60;

/** Runs a rule's actions through the same services agents use, so every rule the product has applies. */
export function createRuleActions(deps: RuleActionDeps) {
  const { db } = deps;

  const actorOf = (run: RuleRun) => ({
    accountId: run.rule.account_id,
    userId: run.userId,
    name: `Automação (${run.rule.name})`,
    performedBy: run.performedBy,
  });
  const crmActorOf = (run: RuleRun): CrmActor => ({
    accountId: run.rule.account_id,
    userId: run.userId,
    role: 'administrator',
    ip: null,
  });

  /** The conversation as it is now (an earlier action may have changed it). */
  async function conversationOf(run: RuleRun): Promise<Conversation> {
    const known = run.subject.conversation;
    const current = known
      ? await db
          .selectFrom('conversations')
          .selectAll()
          .where('account_id', '=', run.rule.account_id)
          .where('id', '=', known.id)
          .executeTakeFirst()
      : undefined;
    if (!current) throw new Error('Não há conversa com esta pessoa para a ação agir.');
    return current;
  }

  function contactOf(run: RuleRun) {
    if (!run.subject.contact) throw new Error('O evento não tem um contato para a ação agir.');
    return run.subject.contact;
  }

  async function setStatus(run: RuleRun, status: 'open' | 'resolved' | 'pending' | 'snoozed', until?: Date) {
    const conversation = await conversationOf(run);
    const updated = await deps.conversationActions.setStatus(actorOf(run), conversation.display_id, status, until);
    return { status: updated.status };
  }

  async function setLabels(run: RuleRun, change: (labels: string[]) => string[]) {
    const conversation = await conversationOf(run);
    const updated = await deps.conversationActions.setLabels(
      actorOf(run),
      conversation.display_id,
      change(conversation.labels),
    );
    return { labels: updated.labels };
  }

  const handlers: Record<ActionName, Handler> = {
    async send_message([text], run) {
      const conversation = await conversationOf(run);
      const message = await deps.outgoing.create(
        { accountId: run.rule.account_id, userId: run.userId },
        conversation.id,
        {
          content: String(text),
        },
      );
      return { message_id: message.id };
    },
    async add_private_note([text], run) {
      const conversation = await conversationOf(run);
      const message = await deps.outgoing.create(
        { accountId: run.rule.account_id, userId: run.userId },
        conversation.id,
        {
          content: String(text),
          private: true,
        },
      );
      return { message_id: message.id };
    },
    add_label: (labels, run) => setLabels(run, (current) => [...current, ...(labels as string[])]),
    remove_label: (labels, run) =>
      setLabels(run, (current) => current.filter((label) => !(labels as string[]).includes(label))),
    async assign_agent([userId], run) {
      const conversation = await conversationOf(run);
      await deps.conversationActions.assign(actorOf(run), conversation.display_id, Number(userId));
      return { assignee_id: Number(userId) };
    },
    async assign_team([teamId], run) {
      const conversation = await conversationOf(run);
      await deps.conversationActions.assignTeam(actorOf(run), conversation.display_id, Number(teamId));
      return { team_id: Number(teamId) };
    },
    change_status: ([status], run) => setStatus(run, status as 'open' | 'resolved' | 'pending'),
    resolve_conversation: (_params, run) => setStatus(run, 'resolved'),
    snooze_conversation: ([minutes], run) =>
      setStatus(
        run,
        'snoozed',
        new Date(deps.clock.now().getTime() + Number(minutes ?? DEFAULT_SNOOZE_MINUTES) * 60_000),
      ),
    async change_priority([priority], run) {
      const conversation = await conversationOf(run);
      const value = priority === 'none' ? null : (priority as Priority);
      await deps.conversationActions.setPriority(actorOf(run), conversation.display_id, value);
      return { priority: value };
    },
    // Santana has no per-contact mute: the conversation is flagged muted (for filters and integrations) and resolved.
    async mute_conversation(_params, run) {
      const conversation = await conversationOf(run);
      await deps.conversationActions.update(actorOf(run), conversation.display_id, {
        additionalAttributes: { muted: true },
      });
      return setStatus(run, 'resolved');
    },
    async send_attachment([attachmentId], run) {
      const conversation = await conversationOf(run);
      const row = await db
        .selectFrom('attachments')
        .selectAll()
        .where('account_id', '=', run.rule.account_id)
        .where('id', '=', Number(attachmentId))
        .executeTakeFirst();
      if (!row?.storage_key || row.status !== 'ready' || !row.mime_type) {
        throw new Error(`O anexo ${attachmentId} não existe ou ainda não foi baixado.`);
      }
      const [message] = await deps.outgoingAttachments.send(
        { accountId: run.rule.account_id, userId: run.userId },
        conversation.id,
        { content: null, private: false, inReplyToId: null },
        [
          {
            kind: KIND_OF_FILE_TYPE[row.file_type],
            fileType: row.file_type,
            mimeType: row.mime_type,
            fileName: row.file_name ?? 'arquivo',
            size: row.file_size ?? 0,
            sha256: row.sha256 ?? '',
            storageKey: row.storage_key,
          },
        ],
      );
      return { message_id: message?.id };
    },
    async send_webhook_event([url], run) {
      const body = await ruleWebhookBody(deps.webhookPayloads, run.subject, run.eventName);
      const status = await postRuleWebhook(deps, String(url), ruleWebhookSecret(deps.secretKeyBase, run.rule.id), body);
      return { response_status: status };
    },
    async send_template([templateId], run) {
      if (!deps.notifier) throw new Error('As notificações não estão disponíveis neste processo.');
      const notifier = deps.notifier;
      const contact = contactOf(run);
      const template = await db
        .selectFrom('notification_templates')
        .select(['id', 'category'])
        .where('account_id', '=', run.rule.account_id)
        .where('id', '=', Number(templateId))
        .executeTakeFirst();
      if (!template) throw new Error(`O modelo de notificação ${templateId} não existe mais.`);
      const scheduled = await inTransaction(db, (tx) =>
        notifier.schedule(tx, run.rule.account_id, {
          key: `automation:${run.rule.id}:${run.trigger}`,
          kind: 'rule',
          contactId: contact.id,
          dueAt: deps.clock.now(),
          category: template.category,
          templateId: template.id,
          eventId: run.subject.event?.id ?? null,
          assignmentId: run.subject.assignment?.id ?? null,
        }),
      );
      return { notification_id: scheduled.id, created: scheduled.created };
    },
    async create_deal([options], run) {
      const contact = contactOf(run);
      const { title, stage_id: stageId } = (options ?? {}) as { title?: string; stage_id?: number };
      const event = run.subject.event;
      const deal = await deps.deals.create(crmActorOf(run), null, {
        title: title ?? event?.title ?? `Negócio de ${contact.name}`,
        contact_id: contact.id,
        stage_id: stageId,
        value_cents: event?.value_cents ?? null,
        event_id: event?.id ?? null,
        conversation_id: run.subject.conversation?.display_id ?? null,
        // Nobody owns what automation opened until a person takes it.
        owner_id: null,
      });
      return { deal_id: deal.id };
    },
    async move_deal_stage([stageId], run) {
      const { event, contact } = run.subject;
      let query = db
        .selectFrom('deals')
        .select('id')
        .where('account_id', '=', run.rule.account_id)
        .where('status', '=', 'open');
      if (event) query = query.where('event_id', '=', event.id);
      else if (contact) query = query.where('contact_id', '=', contact.id);
      else throw new Error('O evento não aponta para um negócio.');
      const deal = await query.orderBy('id', 'desc').limit(1).executeTakeFirst();
      if (!deal) throw new Error('Nenhum negócio aberto para mover de etapa.');
      await deps.deals.update(crmActorOf(run), null, deal.id, { stage_id: Number(stageId) });
      return { deal_id: deal.id, stage_id: Number(stageId) };
    },
    async start_dispatch([options], run) {
      if (!deps.dispatch) throw new Error('A escala automática não está disponível neste processo.');
      if (!run.subject.event) throw new Error('Esta ação precisa de um evento.');
      const dispatch = await deps.dispatch.start(
        { accountId: run.rule.account_id, userId: run.userId, ip: null },
        run.subject.event.id,
        options as Parameters<RuleDispatcher['start']>[2],
      );
      return { dispatch_id: dispatch.id };
    },
  };

  return {
    /** Every action in order; one failing is logged and the others still run (as in Chatwoot). */
    async perform(run: RuleRun, actions: RuleAction[]): Promise<ActionOutcome[]> {
      const outcomes: ActionOutcome[] = [];
      for (const action of actions) {
        try {
          const result = await handlers[action.action_name](action.action_params, run);
          outcomes.push({ action_name: action.action_name, status: 'done', ...(result ? { result } : {}) });
        } catch (error) {
          // The database is away: the job retries later rather than logging a run that did nothing.
          if (isDatabaseUnavailable(error)) throw error;
          outcomes.push({
            action_name: action.action_name,
            status: 'error',
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return outcomes;
    },
  };
}

export type RuleActions = ReturnType<typeof createRuleActions>;
