import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Inbox } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { explainWhatsAppError } from './error-reasons.js';
import { GraphApiError, type GraphClient } from './graph-client.js';
import { messageTemplatesRepo, type SyncedTemplate } from './message-templates.repo.js';
import type { WhatsAppTargets } from './whatsapp-target.js';

const FIELDS = 'name,language,status,category,components,id,parameter_format';
const PAGE_SIZE = 100;
// A WABA holds at most a few thousand templates; more pages than this means a paging loop.
const MAX_PAGES = 100;

const TemplatePageSchema = z.object({
  data: z.array(
    z.looseObject({
      id: z.union([z.string(), z.number()]).optional(),
      name: z.string().min(1),
      language: z.string().min(1),
      status: z.string().min(1),
      category: z.string().nullish(),
      parameter_format: z.string().nullish(),
      components: z.array(z.looseObject({ type: z.string() })).default([]),
    }),
  ),
  paging: z
    .object({ cursors: z.object({ after: z.string().optional() }).partial().optional(), next: z.string().optional() })
    .optional(),
});

export type TemplateSyncResult =
  | { ok: true; count: number }
  | { ok: false; reason: string; retryable: boolean; retryAfterMs?: number; error: Error };

/**
 * Copies an inbox's message templates from Meta (GET /{waba_id}/message_templates, every page) into
 * message_templates, and records on the inbox when that last worked or why it did not.
 */
export function createTemplateSync(deps: {
  db: Db;
  inboxes: InboxesRepo;
  graph: GraphClient;
  targets: WhatsAppTargets;
}) {
  async function fail(inbox: Inbox, reason: string, error: Error, retryable = false, retryAfterMs?: number) {
    const message = `Não foi possível sincronizar os modelos: ${reason}`;
    await messageTemplatesRepo.recordSyncError(deps.db, inbox.id, message);
    return { ok: false as const, reason: message, retryable, retryAfterMs, error };
  }

  async function fetchAll(target: NonNullable<ReturnType<WhatsAppTargets['targetFor']>>, waba: string) {
    const templates: SyncedTemplate[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const cursor = after ? `&after=${encodeURIComponent(after)}` : '';
      const response = await deps.graph.call(
        target,
        'GET',
        `${encodeURIComponent(waba)}/message_templates?fields=${FIELDS}&limit=${PAGE_SIZE}${cursor}`,
        TemplatePageSchema,
      );
      for (const item of response.data) {
        templates.push({
          externalId: item.id === undefined ? null : String(item.id),
          name: item.name,
          language: item.language,
          status: item.status.toUpperCase(),
          category: item.category ?? null,
          parameterFormat: item.parameter_format?.toUpperCase() ?? null,
          components: item.components,
        });
      }
      // Meta leaves `next` out on the last page (the cursors are there on every page).
      const nextCursor = response.paging?.cursors?.after;
      if (!response.paging?.next || !nextCursor || nextCursor === after) return templates;
      after = nextCursor;
    }
    throw new Error(`Template listing did not end after ${MAX_PAGES} pages`);
  }

  return {
    async syncInbox(inbox: Inbox): Promise<TemplateSyncResult> {
      const target = deps.targets.targetFor(inbox);
      if (!target) {
        return fail(inbox, 'a caixa de entrada não tem credenciais do WhatsApp.', new Error('No WhatsApp credentials'));
      }
      if (!target.businessAccountId) {
        return fail(
          inbox,
          'informe o ID da conta do WhatsApp Business (WABA) desta caixa de entrada.',
          new Error('No WhatsApp Business Account id'),
        );
      }
      let templates: SyncedTemplate[];
      try {
        templates = await fetchAll(target, target.businessAccountId);
      } catch (error) {
        if (!(error instanceof GraphApiError)) {
          return fail(inbox, 'a Meta respondeu de um jeito inesperado.', error as Error);
        }
        const { code, httpStatus, title, retryable, retryAfterMs } = error.details;
        // An expired or revoked token: the same flag sending uses, so the operator sees one warning.
        if (code === '190') await deps.inboxes.markReauthorizationRequired(inbox.id, error.message);
        const reason = explainWhatsAppError(code ?? (httpStatus === null ? 'network' : null), title ?? error.message);
        return fail(inbox, reason, error, retryable && code !== '190', retryAfterMs);
      }
      const count = await inTransaction(deps.db, (tx) => messageTemplatesRepo.replaceAll(tx.trx, inbox, templates));
      return { ok: true, count };
    },
  };
}

export type TemplateSync = ReturnType<typeof createTemplateSync>;
