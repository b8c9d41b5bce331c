import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { inTransaction } from '../../src/db/transaction.js';
import { messagesRepo } from '../../src/inbox/messages.repo.js';
import { consentAllows, consentsRepo } from '../../src/notify/consents/consents.repo.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { settleJobs } from '../helpers/settle-jobs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  createWhatsAppInbox,
  fixture,
  postWebhook,
  type TestInbox,
  textPayload,
  waitForWebhooks,
} from '../helpers/whatsapp.js';

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
let otherAccountId: number;

const OPTED_OUT_TEXT = 'Pronto, você não receberá mais mensagens automáticas. Para voltar, envie VOLTAR.';
const OPTED_IN_TEXT = 'Pronto! Você voltará a receber nossas mensagens. Para sair, envie SAIR.';

let sequence = 0;
const unique = () => `${process.pid}${++sequence}${Math.floor(Math.random() * 1e4)}`;

const api = (method: 'GET' | 'PUT', url: string, payload?: unknown, headers = admin.tokenHeaders) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function contact(accountId = 1) {
  return t.db
    .insertInto('contacts')
    .values({ account_id: accountId, name: `Pessoa ${unique()}`, custom_attributes: '{}', additional_attributes: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Waits until no job is waiting or running (business event listeners, notification deliveries, sends). */
async function settle(timeoutMs = 15_000) {
  await settleJobs(t.db, { timeoutMs });
}

/** One person writing `text` on WhatsApp; returns who they are and the stored message. */
async function write(
  text: string,
  from = `5531988${String(++sequence).padStart(6, '0')}`,
  wamid = `wamid.c-${unique()}`,
) {
  const payload = textPayload(inbox.phoneNumberId, { from, wamid, text, name: 'Rita' });
  expect((await postWebhook(t, payload, inbox.appSecret)).statusCode).toBe(200);
  await waitForWebhooks(t);
  await settle();
  const message = await t.db
    .selectFrom('messages')
    .select(['id', 'conversation_id'])
    .where('source_id', '=', wamid)
    .executeTakeFirstOrThrow();
  const conversation = await t.db
    .selectFrom('conversations')
    .select(['id', 'contact_id'])
    .where('id', '=', message.conversation_id)
    .executeTakeFirstOrThrow();
  return {
    from,
    wamid,
    payload,
    messageId: message.id,
    conversationId: conversation.id,
    contactId: conversation.contact_id,
  };
}

const consentRows = (contactId: number) =>
  t.db.selectFrom('contact_consents').selectAll().where('contact_id', '=', contactId).orderBy('purpose').execute();

const consentNotifications = (contactId: number) =>
  t.db
    .selectFrom('notifications')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('kind', '=', 'consent')
    .execute();

const activityNotes = (conversationId: number) =>
  t.db
    .selectFrom('messages')
    .select('content')
    .where('conversation_id', '=', conversationId)
    .where('content_type', '=', 'activity')
    .execute();

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  otherAccountId = (await t.app.services.users.createAccount('Outra empresa')).id;
  await t.app.jobs.startWorker();
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

describe('GET|PUT /contacts/:id/consents', () => {
  it('answers the defaults without a record: marketing unknown, notifications opted in', async () => {
    const person = await contact();
    const response = await api('GET', `/contacts/${person.id}/consents`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      marketing: { status: 'unknown', at: null, source: null },
      notifications: { status: 'opted_in', at: null, source: 'default' },
    });
  });

  it('records an attendant’s change with when and how, and audits it', async () => {
    const person = await contact();
    const response = await api('PUT', `/contacts/${person.id}/consents`, { marketing: 'opted_in' });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.marketing).toMatchObject({ status: 'opted_in', source: 'agent' });
    expect(Date.parse(body.marketing.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.notifications).toEqual({ status: 'opted_in', at: null, source: 'default' });

    const [row] = await consentRows(person.id);
    expect(row).toMatchObject({ purpose: 'marketing', status: 'opted_in', source: 'agent' });
    expect(row?.details).toEqual({ user_id: admin.user.id });
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'contact.consents_updated')
      .where('target_id', '=', String(person.id))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ account_id: 1, actor_user_id: admin.user.id, target_type: 'contact' });
    expect(audit[0]?.details).toMatchObject({
      source: 'agent',
      changes: { marketing: { before: 'unknown', after: 'opted_in' } },
    });
  });

  it('records a personal token’s change as source api and audits nothing when nothing changed', async () => {
    const person = await contact();
    const personal = await t.app.services.auth.createPersonalToken({
      userId: admin.user.id,
      name: 'integração',
      ip: null,
      accountId: 1,
    });
    const headers = { api_access_token: personal.token };
    const first = await api('PUT', `/contacts/${person.id}/consents`, { notifications: 'opted_out' }, headers);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().notifications).toMatchObject({ status: 'opted_out', source: 'api' });
    const again = await api('PUT', `/contacts/${person.id}/consents`, { notifications: 'opted_out' }, headers);
    expect(again.statusCode).toBe(200);
    const audited = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'contact.consents_updated')
      .where('target_id', '=', String(person.id))
      .execute();
    expect(audited).toHaveLength(1);
  });

  it('refuses an empty or invalid body (400 naming the field)', async () => {
    const person = await contact();
    const empty = await api('PUT', `/contacts/${person.id}/consents`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toBe('validation_failed');
    const invalid = await api('PUT', `/contacts/${person.id}/consents`, { marketing: 'sim' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().details).toEqual([expect.objectContaining({ field: 'marketing' })]);
    const unknown = await api('PUT', `/contacts/${person.id}/consents`, { sms: 'opted_in' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details).toContainEqual({ field: 'sms', message: 'campo desconhecido' });
  });

  it('answers 404 for a contact of another account, and changes nothing there', async () => {
    const stranger = await contact(otherAccountId);
    expect((await api('GET', `/contacts/${stranger.id}/consents`)).statusCode).toBe(404);
    const put = await api('PUT', `/contacts/${stranger.id}/consents`, { marketing: 'opted_in' });
    expect(put.statusCode).toBe(404);
    expect(await consentRows(stranger.id)).toEqual([]);
  });
});

describe('merging contacts', () => {
  it('keeps the most recent decision of either contact, and their notifications', async () => {
    const base = await contact();
    const mergee = await contact();
    await consentsRepo.set(t.db, {
      accountId: 1,
      contactId: base.id,
      purpose: 'notifications',
      status: 'opted_in',
      source: 'agent',
      at: new Date(Date.now() - 60_000),
    });
    await consentsRepo.set(t.db, {
      accountId: 1,
      contactId: mergee.id,
      purpose: 'notifications',
      status: 'opted_out',
      source: 'keyword',
      at: new Date(),
    });
    const planned = await inTransaction(t.db, (tx) =>
      t.app.services.notifier.schedule(tx, 1, {
        key: `merge:${mergee.id}`,
        kind: 'consent',
        contactId: mergee.id,
        dueAt: new Date(Date.now() + 60 * 60_000),
        content: { text: 'Depois' },
      }),
    );
    const merged = await t.inject({
      method: 'POST',
      url: '/api/v1/accounts/1/actions/contact_merge',
      headers: admin.tokenHeaders,
      payload: { base_contact_id: base.id, mergee_contact_id: mergee.id },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const consents = (await api('GET', `/contacts/${base.id}/consents`)).json();
    expect(consents.notifications).toMatchObject({ status: 'opted_out', source: 'keyword' });
    const moved = await t.db
      .selectFrom('notifications')
      .select('contact_id')
      .where('id', '=', planned.id)
      .executeTakeFirstOrThrow();
    expect(moved.contact_id).toBe(base.id);
  });

  it('never lets an older decision overwrite a newer one (keywords applied out of order)', async () => {
    const person = await contact();
    const now = Date.now();
    const set = (status: 'opted_in' | 'opted_out', at: number) =>
      consentsRepo.set(t.db, {
        accountId: 1,
        contactId: person.id,
        purpose: 'marketing',
        status,
        source: 'keyword',
        at: new Date(at),
      });
    expect(await set('opted_in', now)).toBe(true);
    expect(await set('opted_out', now - 5_000)).toBe(false);
    expect((await api('GET', `/contacts/${person.id}/consents`)).json().marketing.status).toBe('opted_in');
  });
});

describe('opt-out keywords on WhatsApp', () => {
  it('opts the contact out of both purposes on " sair ", with one confirmation and a note for attendants', async () => {
    const person = await write(' sair ');
    const rows = await consentRows(person.contactId);
    expect(rows.map((row) => [row.purpose, row.status, row.source])).toEqual([
      ['marketing', 'opted_out', 'keyword'],
      ['notifications', 'opted_out', 'keyword'],
    ]);
    expect(rows[0]?.details).toEqual({ keyword: 'SAIR', message_id: person.messageId });

    const notifications = await consentNotifications(person.contactId);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ key: `consent:${person.messageId}`, essential: true });
    // Essential: it goes out although the contact just opted out (the window is open: a plain text).
    expect(notifications[0]?.status).not.toBe('skipped');
    const confirmation = await t.db
      .selectFrom('messages')
      .select(['content', 'message_type'])
      .where('conversation_id', '=', person.conversationId)
      .where('content', '=', OPTED_OUT_TEXT)
      .execute();
    expect(confirmation).toEqual([{ content: OPTED_OUT_TEXT, message_type: 1 }]);
    expect((await activityNotes(person.conversationId)).map((note) => note.content)).toContain(
      'Contato pediu para não receber mensagens automáticas (SAIR)',
    );
  });

  it.each([
    ['Sáir!', 'SAIR'],
    ['stop', 'STOP'],
    ['Descadastrar.', 'DESCADASTRAR'],
  ])('understands %j as %s', async (text, keyword) => {
    const person = await write(text);
    const rows = await consentRows(person.contactId);
    expect(rows.map((row) => row.status)).toEqual(['opted_out', 'opted_out']);
    expect(rows[0]?.details).toMatchObject({ keyword });
  });

  it('does not treat a sentence containing a keyword as one ("quero sair cedo")', async () => {
    const person = await write('quero sair cedo');
    expect(await consentRows(person.contactId)).toEqual([]);
    expect(await consentNotifications(person.contactId)).toEqual([]);
  });

  it('opts back in on VOLTAR with its own confirmation', async () => {
    const out = await write('SAIR');
    const back = await write('VOLTAR', out.from);
    expect(back.contactId).toBe(out.contactId);
    const rows = await consentRows(back.contactId);
    expect(rows.map((row) => [row.purpose, row.status])).toEqual([
      ['marketing', 'opted_in'],
      ['notifications', 'opted_in'],
    ]);
    const texts = await t.db
      .selectFrom('notifications')
      .select(['key', 'rendered'])
      .where('contact_id', '=', back.contactId)
      .where('kind', '=', 'consent')
      .orderBy('id')
      .execute();
    expect(texts.map((row) => row.key)).toEqual([`consent:${out.messageId}`, `consent:${back.messageId}`]);
    const sent = await t.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', '=', back.conversationId)
      .where('content', '=', OPTED_IN_TEXT)
      .execute();
    expect(sent).toHaveLength(1);
    expect((await activityNotes(back.conversationId)).map((note) => note.content)).toContain(
      'Contato pediu para voltar a receber mensagens automáticas (VOLTAR)',
    );
  });

  it('confirms only once: a redelivered webhook, the listener running again, SAIR said twice', async () => {
    const person = await write('PARAR');
    // Meta delivers the same message again.
    expect((await postWebhook(t, person.payload, inbox.appSecret)).statusCode).toBe(200);
    await waitForWebhooks(t);
    // The business event handled a second time (a retried job).
    await inTransaction(t.db, (tx) =>
      t.app.services.businessEvents.record(tx, {
        accountId: 1,
        name: 'message.incoming',
        data: {
          message_id: person.messageId,
          conversation_id: person.conversationId,
          contact_id: person.contactId,
          content: 'PARAR',
          content_type: 'text',
        },
      }),
    );
    // And the person insisting: nothing changes any more, so nothing is sent.
    await write('sair', person.from);
    await settle();

    const notifications = await consentNotifications(person.contactId);
    expect(notifications.map((row) => row.key)).toEqual([`consent:${person.messageId}`]);
    const confirmations = await t.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', person.conversationId)
      .where('content', '=', OPTED_OUT_TEXT)
      .execute();
    expect(confirmations).toHaveLength(1);
    expect(await activityNotes(person.conversationId)).toHaveLength(1);
  });

  it('blocks a later non-essential notification, but not an essential one', async () => {
    const person = await write('CANCELAR');
    expect(await consentAllows(t.db, 1, person.contactId, { category: 'utility', essential: false })).toMatchObject({
      allowed: false,
    });
    expect(await consentAllows(t.db, 1, person.contactId, { category: 'utility', essential: true })).toEqual({
      allowed: true,
    });
    const { id } = await inTransaction(t.db, (tx) =>
      t.app.services.notifier.schedule(tx, 1, {
        key: `test:reminder:${unique()}`,
        kind: 'rule',
        contactId: person.contactId,
        dueAt: new Date(),
        content: { text: 'Lembrete: seu evento é amanhã.' },
      }),
    );
    await settle();
    const reminder = await t.db
      .selectFrom('notifications')
      .select(['status', 'reason', 'message_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(reminder.status).toBe('skipped');
    expect(reminder.reason).toMatch(/^opted_out/);
    expect(reminder.message_id).toBeNull();
  });
});

describe('Meta’s 131050 (the person stopped marketing messages in WhatsApp)', () => {
  it('records a marketing opt-out when an outgoing message fails with 131050', async () => {
    const person = await write('Oi, tudo bem?');
    const wamid = `wamid.out-${unique()}`;
    await messagesRepo.insert(t.db, {
      accountId: 1,
      inboxId: inbox.id,
      conversationId: person.conversationId,
      messageType: 1,
      contentType: 'text',
      content: 'Promoção de fim de ano',
      contentAttributes: {},
      status: 'sent',
      sourceId: wamid,
      senderType: 'user',
      senderId: null,
      inReplyToSourceId: null,
      sentAt: new Date(),
    });
    const failed = fixture('pywa__message_status__failed', inbox.phoneNumberId) as {
      entry: Array<{ changes: Array<{ value: { statuses: Array<Record<string, unknown>> } }> }>;
    };
    const status = failed.entry[0]?.changes[0]?.value.statuses[0];
    Object.assign(status ?? {}, {
      id: wamid,
      recipient_id: person.from,
      timestamp: String(Math.floor(Date.now() / 1000)),
      errors: [{ code: 131050, title: 'User stopped marketing messages', message: 'User stopped marketing messages' }],
    });
    expect((await postWebhook(t, failed, inbox.appSecret)).statusCode).toBe(200);
    await waitForWebhooks(t);
    await settle();

    const rows = await consentRows(person.contactId);
    expect(rows.map((row) => [row.purpose, row.status, row.source])).toEqual([
      ['marketing', 'opted_out', 'whatsapp_131050'],
    ]);
    // Only marketing: reminders about the person's own events still go.
    const consents = (await api('GET', `/contacts/${person.contactId}/consents`)).json();
    expect(consents.notifications.status).toBe('opted_in');
  });

  it('ignores other failures', async () => {
    const person = await write('Olá');
    await inTransaction(t.db, (tx) =>
      t.app.services.businessEvents.record(tx, {
        accountId: 1,
        name: 'message.failed',
        data: { message_id: 1, contact_id: person.contactId, error_code: '131026', notification_id: null },
      }),
    );
    await settle();
    expect(await consentRows(person.contactId)).toEqual([]);
  });
});

describe('agents', () => {
  it('see and change consents like administrators (contacts are not inbox-scoped)', async () => {
    const email = `agente-${unique()}@example.com`;
    const user = await t.app.services.users.createUser({
      name: 'Agente',
      email,
      passwordHash: await hashPassword('senha-123456'),
    });
    await t.app.services.users.addMembership({
      accountId: 1,
      userId: user.id,
      role: 'agent',
      availability: 'available',
    });
    const agent = await t.signIn(email, 'senha-123456');
    const person = await contact();
    const response = await api(
      'PUT',
      `/contacts/${person.id}/consents`,
      { marketing: 'opted_out' },
      agent.tokenHeaders,
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().marketing).toMatchObject({ status: 'opted_out', source: 'agent' });
  });
});
