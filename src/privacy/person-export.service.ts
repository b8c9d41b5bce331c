import type { AuditRepo } from '../accounts/audit.repo.js';
import { serializeContact } from '../compat/chatwoot/serializers.js';
import { clientsRepo } from '../crm/clients/clients.repo.js';
import type { ClientsService } from '../crm/clients/clients.service.js';
import { providersRepo } from '../crm/providers/providers.repo.js';
import type { ProvidersService } from '../crm/providers/providers.service.js';
import type { TimelineService } from '../crm/timeline/timeline.service.js';
import { parseBefore } from '../crm/timeline/timeline-cursor.js';
import type { Db } from '../db/client.js';
import type { Conversation } from '../db/schema.js';
import type { ContactsService } from '../inbox/contacts.service.js';
import type { ConversationViews } from '../inbox/conversation-views.js';
import type { ConsentsService } from '../notify/consents/consents.service.js';
import type { Clock } from '../shared/clock.js';

export const PERSON_EXPORT_FORMAT = 'santana.person_export.v1' as const;

/** Rows read per query while collecting a long history. */
const PAGE = 500;

export interface ExportActor {
  accountId: number;
  userId: number;
  ip: string | null;
}

/**
 * Everything the account holds about one person, in one JSON document (LGPD art. 18: access and
 * portability): the contact with its WhatsApp identities, consents, CRM profiles, the whole timeline
 * (events, assignments, deals, activities, notes, notifications) and every conversation with every
 * message. Files are listed with the URLs they are served from (signed-in users only). Each export is
 * recorded in the audit log.
 */
export function createPersonExport(deps: {
  db: Db;
  clock: Clock;
  audit: AuditRepo;
  contacts: ContactsService;
  views: ConversationViews;
  consents: ConsentsService;
  timeline: TimelineService;
  clients: ClientsService;
  providers: ProvidersService;
}) {
  const { db } = deps;

  async function conversationsOf(accountId: number, contactId: number) {
    const rows: Conversation[] = await db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .orderBy('id')
      .execute();
    const views = await deps.views.conversationViews(accountId, rows);
    const out = [];
    for (const [index, conversation] of rows.entries()) {
      out.push({ ...views[index], messages: await messagesOf(accountId, conversation) });
    }
    return out;
  }

  async function messagesOf(accountId: number, conversation: Conversation) {
    const all = [];
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom('messages')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('conversation_id', '=', conversation.id)
        .where('id', '>', after)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      all.push(
        ...(await deps.views.messageViews(accountId, rows, new Map([[conversation.id, conversation.display_id]]))),
      );
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) return all;
      after = last.id;
    }
  }

  async function timelineOf(accountId: number, contactId: number) {
    const entries = [];
    let before = null;
    for (;;) {
      const page = await deps.timeline.page({ accountId, contactId, scope: null, before, limit: 100 });
      entries.push(...page.entries);
      if (!page.nextBefore) return entries;
      before = parseBefore(page.nextBefore);
    }
  }

  return {
    async export(actor: ExportActor, contactId: number) {
      const { contact, contactInboxes } = await deps.contacts.show(actor.accountId, contactId);
      const [client, provider] = await Promise.all([
        clientsRepo.findByContact(db, actor.accountId, contactId),
        providersRepo.findByContact(db, actor.accountId, contactId),
      ]);
      const document = {
        format: PERSON_EXPORT_FORMAT,
        exported_at: deps.clock.now().toISOString(),
        account_id: actor.accountId,
        contact: serializeContact(contact, contactInboxes),
        consents: await deps.consents.show(actor.accountId, contactId),
        crm: {
          client: client ? await deps.clients.show(actor.accountId, client.id) : null,
          provider: provider ? await deps.providers.show(actor.accountId, provider.id) : null,
        },
        timeline: await timelineOf(actor.accountId, contactId),
        conversations: await conversationsOf(actor.accountId, contactId),
      };
      await deps.audit.record({
        action: 'contact.exported',
        accountId: actor.accountId,
        actorUserId: actor.userId,
        ip: actor.ip,
        targetType: 'contact',
        targetId: contactId,
        details: { conversations: document.conversations.length, timeline_entries: document.timeline.length },
      });
      return document;
    },
  };
}

export type PersonExport = ReturnType<typeof createPersonExport>;
