import { sql } from 'kysely';
import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { CrmActor } from '../../crm/pipeline/actor.js';
import type { Db } from '../../db/client.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import { AppError, notFound } from '../../shared/errors.js';
import { notificationTemplatesRepo, type TemplateContent } from './notification-templates.repo.js';
import { previewTemplate } from './preview.js';
import { renderNotificationTemplate, templateTexts } from './render.js';
import { checkSyncedTemplate } from './synced-templates.js';
import type { NotificationTemplate, PreviewIdsInput, TemplateInput, TemplatePatch } from './template-schemas.js';
import { checkVariables, type FieldIssue, variableCatalog } from './template-text.js';
import { EXAMPLE_CONTEXT } from './variables.js';

const label = (rows: Array<{ id: number; name: string }>) => rows.map((row) => `"${row.name}" (#${row.id})`).join(', ');

/** Notification templates: what reminders, offers and broadcasts say on WhatsApp, in free text and by SMS. */
export function createNotificationTemplatesService(deps: { db: Db; audit: AuditRepo; timeZone: string }) {
  const { db, timeZone } = deps;

  /** Unknown variables and templates Meta would refuse are caught here, when saved, not when sent. */
  async function refuseInvalid(executor: Db, accountId: number, content: TemplateContent) {
    const issues: FieldIssue[] = templateTexts(content).flatMap(({ field, text }) => checkVariables(field, text));
    if (issues.length === 0 && content.whatsapp) {
      const rendered = renderNotificationTemplate(content, EXAMPLE_CONTEXT, timeZone).whatsapp;
      if (rendered) issues.push(...(await checkSyncedTemplate(executor, accountId, content.whatsapp, rendered)));
    }
    if (!content.whatsapp && !content.text && !content.sms) {
      issues.push({ field: 'whatsapp', message: 'informe ao menos uma variante: whatsapp, text ou sms' });
    }
    if (issues.length > 0) {
      const summary = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
      throw new AppError('unprocessable', `O modelo não pode ser salvo. ${summary}.`, issues);
    }
  }

  // Two requests saving "Lembrete" and "lembrete" at once: the second waits, then sees the first.
  async function refuseTakenName(tx: TxContext, accountId: number, name: string, selfId?: number) {
    const key = `notify:template:${accountId}:${name.toLowerCase()}`;
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx.trx);
    const other = await notificationTemplatesRepo.findByName(tx.trx, accountId, name);
    if (other && other.id !== selfId) {
      throw new AppError('unprocessable', `Já existe o modelo ${other.name}.`, [
        { field: 'name', message: 'já existe um modelo com este nome', id: other.id },
      ]);
    }
  }

  const record = (tx: TxContext, actor: CrmActor, action: string, id: number, details: Record<string, unknown>) =>
    deps.audit.record(
      {
        action,
        accountId: actor.accountId,
        actorUserId: actor.userId,
        ip: actor.ip,
        targetType: 'notification_template',
        targetId: id,
        details,
      },
      tx.trx,
    );

  async function lockExisting(tx: TxContext, accountId: number, id: number): Promise<NotificationTemplate> {
    const template = await notificationTemplatesRepo.find(tx.trx, accountId, id, true);
    if (!template) throw notFound('Modelo de notificação');
    return template;
  }

  const contentOf = (input: TemplateInput): TemplateContent => ({
    name: input.name,
    category: input.category,
    whatsapp: input.whatsapp ?? null,
    text: input.text ?? null,
    sms: input.sms ?? null,
  });

  async function get(accountId: number, id: number): Promise<NotificationTemplate> {
    const template = await notificationTemplatesRepo.find(db, accountId, id);
    if (!template) throw notFound('Modelo de notificação');
    return template;
  }

  return {
    list: (accountId: number) => notificationTemplatesRepo.list(db, accountId),

    get,

    create: (actor: CrmActor, input: TemplateInput) =>
      inTransaction(db, async (tx) => {
        const content = contentOf(input);
        await refuseInvalid(tx.trx, actor.accountId, content);
        await refuseTakenName(tx, actor.accountId, content.name);
        const created = await notificationTemplatesRepo.insert(tx.trx, actor.accountId, content);
        await record(tx, actor, 'notification_template.created', created.id, { after: content });
        return created;
      }),

    update: (actor: CrmActor, id: number, patch: TemplatePatch) =>
      inTransaction(db, async (tx) => {
        const before = await lockExisting(tx, actor.accountId, id);
        const content: TemplateContent = {
          name: patch.name ?? before.name,
          category: patch.category ?? before.category,
          whatsapp: patch.whatsapp === undefined ? before.whatsapp : patch.whatsapp,
          text: patch.text === undefined ? before.text : patch.text,
          sms: patch.sms === undefined ? before.sms : patch.sms,
        };
        await refuseInvalid(tx.trx, actor.accountId, content);
        if (content.name !== before.name) await refuseTakenName(tx, actor.accountId, content.name, id);
        const updated = await notificationTemplatesRepo.update(tx.trx, actor.accountId, id, content);
        await record(tx, actor, 'notification_template.updated', id, { changes: Object.keys(patch) });
        return updated;
      }),

    /** A template a rule, a broadcast or a pending notification still uses stays (409 naming them). */
    remove: (actor: CrmActor, id: number) =>
      inTransaction(db, async (tx) => {
        const existing = await lockExisting(tx, actor.accountId, id);
        const usage = await notificationTemplatesRepo.usage(tx.trx, actor.accountId, id);
        const users = [
          usage.rules.length > 0 ? `regras ${label(usage.rules)}` : null,
          usage.broadcasts.length > 0 ? `envios em massa ${label(usage.broadcasts)}` : null,
          usage.pendingNotifications > 0 ? `${usage.pendingNotifications} notificação(ões) ainda não enviada(s)` : null,
        ].filter((part): part is string => part !== null);
        if (users.length > 0) {
          throw new AppError(
            'conflict',
            `O modelo ${existing.name} está em uso (${users.join('; ')}) e não pode ser excluído. Troque o modelo nelas primeiro.`,
            { rules: usage.rules, broadcasts: usage.broadcasts, pending_notifications: usage.pendingNotifications },
          );
        }
        await notificationTemplatesRepo.delete(tx.trx, actor.accountId, id);
        await record(tx, actor, 'notification_template.deleted', id, { before: { name: existing.name } });
      }),

    /** A saved template rendered for an event, a contact or an assignment (examples for what is not given). */
    async preview(accountId: number, id: number, ids: PreviewIdsInput) {
      const template = await get(accountId, id);
      return previewTemplate(db, accountId, template, ids, timeZone);
    },

    /** The editor's live preview: the template as typed, checked like a save, not stored. */
    async previewUnsaved(accountId: number, input: TemplateInput, ids: PreviewIdsInput) {
      const content = contentOf(input);
      await refuseInvalid(db, accountId, content);
      return previewTemplate(db, accountId, content, ids, timeZone);
    },

    variables: () => variableCatalog(timeZone, EXAMPLE_CONTEXT),
  };
}

export type NotificationTemplatesService = ReturnType<typeof createNotificationTemplatesService>;
