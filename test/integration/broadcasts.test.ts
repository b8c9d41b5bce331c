import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import type { ConsentPurpose, ConsentStatus } from '../../src/db/schema.js';
import { inTransaction } from '../../src/db/transaction.js';
import { consentsRepo } from '../../src/notify/consents/consents.repo.js';
import { sleep } from '../../src/shared/clock.js';
import { settleJobs } from '../helpers/settle-jobs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
type Caller = { tokenHeaders: Record<string, string>; user: { id: number } };
let admin: Caller;
let agent: Caller;
let marketingTemplate: { id: number; name: string };
let otherAccountId: number;

let sequence = 0;
const unique = () => `${process.pid}${++sequence}${Math.floor(Math.random() * 1e4)}`;

const api = (method: 'GET' | 'POST', url: string, payload?: unknown, as: Caller = admin) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers: as.tokenHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function template(category: 'utility' | 'marketing', accountId = 1) {
  return t.db
    .insertInto('notification_templates')
    .values({ account_id: accountId, name: `Modelo ${unique()}`, category, text: 'Promoção da semana!' })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

/** A contact with these labels and consents (none given: the defaults). */
async function person(labels: string[], consents: Partial<Record<ConsentPurpose, ConsentStatus>> = {}) {
  const row = await t.db
    .insertInto('contacts')
    .values({
      account_id: 1,
      name: `Pessoa ${unique()}`,
      custom_attributes: '{}',
      additional_attributes: '{}',
      labels: sql<string[]>`ARRAY[${sql.join(labels)}]::text[]`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [purpose, status] of Object.entries(consents) as Array<[ConsentPurpose, ConsentStatus]>) {
    await consentsRepo.set(t.db, {
      accountId: 1,
      contactId: row.id,
      purpose,
      status,
      source: 'import',
      at: new Date(),
    });
  }
  return row.id;
}

async function settle(timeoutMs = 15_000) {
  await settleJobs(t.db, { timeoutMs });
}

const notificationsOf = (broadcastId: number) =>
  t.db.selectFrom('notifications').selectAll().where('broadcast_id', '=', broadcastId).orderBy('contact_id').execute();

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn();
  const email = `agente-${unique()}@example.com`;
  const user = await t.app.services.users.createUser({
    name: 'Agente',
    email,
    passwordHash: await hashPassword('senha-123456'),
  });
  await t.app.services.users.addMembership({ accountId: 1, userId: user.id, role: 'agent', availability: 'available' });
  agent = await t.signIn(email, 'senha-123456');
  otherAccountId = (await t.app.services.users.createAccount('Outra empresa')).id;
  // Deterministic whatever the hour the suite runs: no quiet-hours deferral.
  await t.db
    .updateTable('accounts')
    .set({ notification_settings: JSON.stringify({ quiet_hours: { enabled: false, start: '21:00', end: '08:00' } }) })
    .where('id', '=', 1)
    .execute();
  marketingTemplate = await template('marketing');
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t.close();
});

describe('POST /broadcasts', () => {
  it('sends only to contacts with the label who opted in to marketing, counting the rest as excluded', async () => {
    const label = `promo-${unique()}`;
    const optedIn = await person([label, 'vip'], { marketing: 'opted_in' });
    await person([label]); // never asked: marketing unknown
    await person([label], { marketing: 'opted_out' });
    await person([label], { marketing: 'opted_in', notifications: 'opted_out' }); // said SAIR, then an agent…
    await person(['outra'], { marketing: 'opted_in' });

    const created = await api('POST', '/broadcasts', {
      name: 'Black Friday',
      label: ` ${label.toUpperCase()} `,
      template_id: marketingTemplate.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({
      name: 'Black Friday',
      label,
      template: { id: marketingTemplate.id, name: marketingTemplate.name },
      created_by: admin.user.id,
    });
    await settle();

    const notifications = await notificationsOf(id);
    expect(notifications.map((row) => row.contact_id)).toEqual([optedIn]);
    expect(notifications[0]).toMatchObject({
      key: `broadcast:${id}:contact:${optedIn}`,
      kind: 'broadcast',
      category: 'marketing',
      template_id: marketingTemplate.id,
      essential: false,
    });

    const shown = await api('GET', `/broadcasts/${id}`);
    expect(shown.statusCode).toBe(200);
    // The contact has no WhatsApp nor SMS: the notification is skipped, and nothing is left to send.
    expect(shown.json()).toMatchObject({
      status: 'done',
      recipients: 1,
      excluded: 3,
      counts: { skipped: 1, scheduled: 0, sent: 0 },
    });
    expect(shown.json().started_at).not.toBeNull();
    expect(shown.json().finished_at).not.toBeNull();

    const list = await api('GET', '/broadcasts', undefined, agent);
    expect(list.statusCode).toBe(200);
    expect(list.json().payload.map((row: { id: number }) => row.id)).toContain(id);
    expect(list.json().meta).toMatchObject({ current_page: 1 });
  });

  it('refuses a utility template (422), an unknown or foreign one (404), agents (403) and a bad body (400)', async () => {
    const utility = await template('utility');
    const body = { name: 'Aviso', label: 'clientes' };
    const wrongCategory = await api('POST', '/broadcasts', { ...body, template_id: utility.id });
    expect(wrongCategory.statusCode).toBe(422);
    expect(wrongCategory.json().details).toEqual([expect.objectContaining({ field: 'template_id' })]);
    const foreign = await template('marketing', otherAccountId);
    expect((await api('POST', '/broadcasts', { ...body, template_id: foreign.id })).statusCode).toBe(404);
    expect((await api('POST', '/broadcasts', { ...body, template_id: 999_999 })).statusCode).toBe(404);
    const asAgent = await api('POST', '/broadcasts', { ...body, template_id: marketingTemplate.id }, agent);
    expect(asAgent.statusCode).toBe(403);
    const missing = await api('POST', '/broadcasts', { label: 'clientes', template_id: marketingTemplate.id });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details).toEqual([expect.objectContaining({ field: 'name' })]);
    const badDate = await api('POST', '/broadcasts', {
      ...body,
      template_id: marketingTemplate.id,
      scheduled_at: 'amanhã',
    });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().details).toEqual([expect.objectContaining({ field: 'scheduled_at' })]);
  });

  it('refuses a second broadcast while one is still sending (409); a later one waits its turn', async () => {
    const sending = await t.db
      .insertInto('broadcasts')
      .values({ account_id: 1, name: 'Em andamento', label: 'x', template_id: marketingTemplate.id, status: 'running' })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const now = await api('POST', '/broadcasts', {
        name: 'Outra',
        label: 'clientes',
        template_id: marketingTemplate.id,
      });
      expect(now.statusCode).toBe(409);
      expect(now.json().error).toBe('conflict');
      const later = await api('POST', '/broadcasts', {
        name: 'Amanhã',
        label: 'clientes',
        template_id: marketingTemplate.id,
        scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
      });
      expect(later.statusCode, later.body).toBe(201);
      expect(later.json().status).toBe('scheduled');
      expect((await api('POST', `/broadcasts/${later.json().id}/cancel`)).statusCode).toBe(200);

      // Its time comes while the other is still sending: it waits instead of starting.
      const soon = await api('POST', '/broadcasts', {
        name: 'Daqui a pouco',
        label: 'clientes',
        template_id: marketingTemplate.id,
        scheduled_at: new Date(Date.now() + 200).toISOString(),
      });
      expect(soon.statusCode, soon.body).toBe(201);
      const waiting = () =>
        t.db
          .selectFrom('jobs')
          .select(['status', 'run_at'])
          .where('idempotency_key', 'like', `broadcast:${soon.json().id}:wait:%`)
          .execute();
      const deadline = Date.now() + 10_000;
      while ((await waiting()).length === 0 && Date.now() < deadline) await sleep(25);
      const [next] = await waiting();
      expect(next?.status).toBe('scheduled');
      expect(next?.run_at.getTime()).toBeGreaterThan(Date.now() + 30_000);
      expect((await api('GET', `/broadcasts/${soon.json().id}`)).json().status).toBe('scheduled');
      expect((await api('POST', `/broadcasts/${soon.json().id}/cancel`)).statusCode).toBe(200);
    } finally {
      await t.db.updateTable('broadcasts').set({ status: 'cancelled' }).where('id', '=', sending.id).execute();
    }
  });

  it('refuses more than 10,000 recipients (422)', async () => {
    const label = `massa-${unique()}`;
    await sql`
      INSERT INTO contacts (account_id, name, custom_attributes, additional_attributes, labels)
      SELECT 1, 'Massa ' || g, '{}', '{}', ARRAY[${label}]::text[] FROM generate_series(1, 10001) g`.execute(t.db);
    await sql`
      INSERT INTO contact_consents (account_id, contact_id, purpose, status, source)
      SELECT 1, id, 'marketing', 'opted_in', 'import' FROM contacts WHERE labels @> ARRAY[${label}]::text[]`.execute(
      t.db,
    );
    try {
      const response = await api('POST', '/broadcasts', { name: 'Todos', label, template_id: marketingTemplate.id });
      expect(response.statusCode).toBe(422);
      expect(response.json().details).toEqual([expect.objectContaining({ field: 'label', recipients: 10_001 })]);
      const stored = await t.db.selectFrom('broadcasts').select('id').where('label', '=', label).execute();
      expect(stored).toEqual([]);
    } finally {
      await sql`DELETE FROM contacts WHERE labels @> ARRAY[${label}]::text[]`.execute(t.db);
    }
  });
});

describe('a scheduled broadcast', () => {
  it('shows who it would reach before it runs, and never runs once cancelled', async () => {
    const label = `agenda-${unique()}`;
    await person([label], { marketing: 'opted_in' });
    await person([label], { marketing: 'opted_in' });
    await person([label]);
    const created = await api('POST', '/broadcasts', {
      name: 'Natal',
      label,
      template_id: marketingTemplate.id,
      scheduled_at: '2099-12-20T10:00:00-03:00',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      status: 'scheduled',
      scheduled_at: '2099-12-20T13:00:00.000Z',
      recipients: 2,
      excluded: 1,
    });
    const id = created.json().id;
    const job = await t.db
      .selectFrom('jobs')
      .select(['status', 'run_at'])
      .where('idempotency_key', '=', `broadcast:${id}`)
      .executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'scheduled', run_at: new Date('2099-12-20T13:00:00.000Z') });

    const cancelled = await api('POST', `/broadcasts/${id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', reason: 'Cancelada' });
    expect((await api('POST', `/broadcasts/${id}/cancel`)).statusCode).toBe(409);
    expect(await notificationsOf(id)).toEqual([]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'broadcast')
      .where('target_id', '=', String(id))
      .orderBy('id')
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['broadcast.created', 'broadcast.cancelled']);
  });

  it('cancels, when cancelled while sending, what has not left yet', async () => {
    const contactId = await person([`envio-${unique()}`], { marketing: 'opted_in' });
    const running = await t.db
      .insertInto('broadcasts')
      .values({ account_id: 1, name: 'Lenta', label: 'x', template_id: marketingTemplate.id, status: 'running' })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Deferred (e.g. by quiet hours) and still waiting.
    await inTransaction(t.db, (tx) =>
      t.app.services.notifier.schedule(tx, 1, {
        key: `broadcast:${running.id}:contact:${contactId}`,
        kind: 'broadcast',
        contactId,
        dueAt: new Date(Date.now() + 3_600_000),
        category: 'marketing',
        templateId: marketingTemplate.id,
        broadcastId: running.id,
      }),
    );
    const response = await api('POST', `/broadcasts/${running.id}/cancel`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'cancelled', counts: { cancelled: 1, scheduled: 0 } });
    const [row] = await notificationsOf(running.id);
    expect(row?.reason).toMatch(/^broadcast_cancelled/);
  });

  it('answers 404 for another account’s broadcast', async () => {
    const foreign = await t.db
      .insertInto('broadcasts')
      .values({
        account_id: otherAccountId,
        name: 'Deles',
        label: 'x',
        template_id: (await template('marketing', otherAccountId)).id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await api('GET', `/broadcasts/${foreign.id}`)).statusCode).toBe(404);
    expect((await api('POST', `/broadcasts/${foreign.id}/cancel`)).statusCode).toBe(404);
  });
});

describe('the contact timeline', () => {
  it('shows the notifications sent (or not) to the person, paged with the other entries', async () => {
    const label = `linha-${unique()}`;
    const contactId = await person([label], { marketing: 'opted_in' });
    const note = await api('POST', `/contacts/${contactId}/notes`, { content: 'Gosta de promoções' });
    expect(note.statusCode).toBe(200);
    const created = await api('POST', '/broadcasts', { name: 'Páscoa', label, template_id: marketingTemplate.id });
    expect(created.statusCode, created.body).toBe(201);
    await settle();
    const [notification] = await notificationsOf(created.json().id);
    if (!notification) throw new Error('no notification');

    const first = await api('GET', `/contacts/${contactId}/timeline?limit=1`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().payload).toEqual([
      {
        kind: 'notification',
        id: notification.id,
        at: notification.due_at.toISOString(),
        notification_kind: 'broadcast',
        category: 'marketing',
        status: 'skipped',
        channel: null,
        reason: expect.stringMatching(/^no_channel/),
        error_code: null,
        event_id: null,
        broadcast_id: created.json().id,
        template: { id: marketingTemplate.id, name: marketingTemplate.name },
        due_at: notification.due_at.toISOString(),
        sent_at: null,
      },
    ]);
    const before = first.json().meta.next_before;
    expect(before).toContain('~notification~');
    const second = await api('GET', `/contacts/${contactId}/timeline?limit=1&before=${encodeURIComponent(before)}`);
    expect(second.json().payload.map((entry: { kind: string }) => entry.kind)).toEqual(['note']);
    expect(second.json().meta.next_before).toBeNull();
  });
});
