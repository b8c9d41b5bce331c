import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/transaction.js';
import { consentsRepo } from '../../src/notify/consents/consents.repo.js';
import { readUntil } from '../helpers/eventually.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { type FakeSms, startFakeSms } from '../helpers/fake-sms.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let graph: FakeGraph;
let sms: FakeSms;
const TWILIO = { account_sid: `AC${'fedcba9876543210'.repeat(2)}`, auth_token: 'twilio-auth-token-notify-0123' };
let inbox: TestInbox;
let headers: Record<string, string>;

const api = (path: string) => `/api/v1/accounts/1${path}`;

beforeAll(async () => {
  graph = await startFakeGraph();
  sms = await startFakeSms();
  sms.twilioAccount(TWILIO.account_sid, TWILIO.auth_token);
  t = await createTestApp({
    graphTimeoutMs: 2000,
    env: { WHATSAPP_GRAPH_URL: graph.url, TWILIO_API_URL: sms.url, SIMULATOR: 'off' },
  });
  inbox = await createWhatsAppInbox(t);
  headers = (await t.signIn()).tokenHeaders;
  await t.inject({ method: 'POST', url: api(`/inboxes/${inbox.id}/sync_templates`), headers });
  // Tests run at any hour: quiet hours are switched off except where a test sets them.
  await setQuietHours({ enabled: false, start: '21:00', end: '08:00' });
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t.close();
  await graph.close();
  await sms.close();
});

async function setQuietHours(quiet: { enabled: boolean; start: string; end: string }) {
  const response = await t.inject({
    method: 'PUT',
    url: api('/notification_settings'),
    headers,
    payload: { quiet_hours: quiet },
  });
  expect(response.statusCode).toBe(200);
}

let phoneCounter = 0;
/** A client whose contact wrote to us just now (open window) or never (closed). */
async function newClient(options: { wrote: boolean }) {
  phoneCounter++;
  const from = `55119876${String(phoneCounter).padStart(5, '0')}`;
  if (options.wrote) {
    await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from, wamid: `wamid.notify-${phoneCounter}-${Date.now()}`, text: 'Oi' }),
      inbox.appSecret,
    );
    await waitForWebhooks(t);
  }
  const response = await t.inject({
    method: 'POST',
    url: api('/clients'),
    headers,
    payload: { name: `Cliente ${phoneCounter}`, phone_number: `+${from}` },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: number; contact_id: number };
}

async function createTemplate(values: {
  name: string;
  text?: string | null;
  sms?: string | null;
  whatsapp?: Record<string, unknown> | null;
  category?: 'utility' | 'marketing';
}) {
  return t.db
    .insertInto('notification_templates')
    .values({
      account_id: 1,
      name: values.name,
      category: values.category ?? 'utility',
      text: values.text ?? null,
      sms: values.sms ?? null,
      whatsapp: values.whatsapp ? JSON.stringify(values.whatsapp) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function createRule(payload: Record<string, unknown>) {
  const response = await t.inject({ method: 'POST', url: api('/notification_rules'), headers, payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: number };
}

async function createEvent(clientId: number, startsInMs: number, durationMs = 60 * 60_000) {
  const startsAt = new Date(Date.now() + startsInMs);
  const response = await t.inject({
    method: 'POST',
    url: api('/events'),
    headers,
    payload: {
      title: 'Aniversário',
      client_id: clientId,
      starts_at: startsAt.toISOString(),
      ends_at: new Date(startsAt.getTime() + durationMs).toISOString(),
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: number; starts_at: string };
}

type NotificationView = {
  id: number;
  key: string;
  status: string;
  reason: string | null;
  channel: string | null;
  due_at: string;
  original_due_at: string | null;
  lateness_ms: number | null;
  message_id: number | null;
  rule_id: number | null;
  contact_id: number;
};

async function notificationsOf(query: string): Promise<NotificationView[]> {
  const response = await t.inject({ method: 'GET', url: api(`/notifications?${query}`), headers });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { payload: NotificationView[] }).payload;
}

/** Rules are per account: each test switches the others off so only its own fire. */
async function onlyRules(ids: number[]) {
  await t.db
    .updateTable('notification_rules')
    .set({ active: false })
    .where('account_id', '=', 1)
    .where('id', 'not in', ids.length > 0 ? ids : [0])
    .execute();
}

describe('notification rules', () => {
  it('starts an account with the four default rules, inactive until templates are chosen', async () => {
    const response = await t.inject({ method: 'GET', url: api('/notification_rules'), headers });
    expect(response.statusCode).toBe(200);
    const rules = (response.json() as { payload: Array<Record<string, unknown>> }).payload;
    expect(rules.map((rule) => [rule.trigger, rule.offset_minutes, rule.audience, rule.active])).toEqual([
      ['event.created', 0, 'client', false],
      ['event.before_start', 1440, 'client', false],
      ['event.before_start', 180, 'providers', false],
      ['event.after_end', 120, 'client', false],
    ]);
    // Deleting one does not bring it back: the defaults are seeded once.
    const removed = await t.inject({ method: 'DELETE', url: api(`/notification_rules/${rules[3]?.id}`), headers });
    expect(removed.statusCode).toBe(204);
    const again = await t.inject({ method: 'GET', url: api('/notification_rules'), headers });
    expect((again.json() as { meta: { count: number } }).meta.count).toBe(3);
  });

  it('refuses rules that could not reach their audience or make no sense', async () => {
    const textOnly = await createTemplate({ name: 'Só texto', text: 'Olá {{client.name}}' });
    const providerTemplate = await createTemplate({ name: 'Para prestador', sms: 'Oi {{provider.name}}' });
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ name: 'x', trigger: 'event.created', audience: 'client', active: true }, 422, 'template_id'],
      [{ name: 'x', trigger: 'event.created', audience: 'client', template_id: textOnly.id }, 422, 'template_id'],
      [
        { name: 'x', trigger: 'event.before_start', audience: 'client', template_id: providerTemplate.id },
        422,
        'offset_minutes',
      ],
      [
        { name: 'x', trigger: 'event.created', audience: 'client', template_id: providerTemplate.id },
        422,
        'template_id',
      ],
      [{ name: 'x', trigger: 'event.exploded', audience: 'client' }, 400, 'trigger'],
      [{ name: 'x', trigger: 'event.created', audience: 'client', template_id: 999_999 }, 422, 'template_id'],
    ];
    for (const [payload, status, field] of cases) {
      const response = await t.inject({ method: 'POST', url: api('/notification_rules'), headers, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.body).toContain(field);
    }
  });

  it('only administrators change rules', async () => {
    await t.inject({
      method: 'POST',
      url: api('/agents'),
      headers,
      payload: { name: 'Ana', email: 'ana.notify@example.com', role: 'agent', password: 'senha-da-ana-123' },
    });
    const agent = await t.signIn('ana.notify@example.com', 'senha-da-ana-123');
    const response = await t.inject({
      method: 'POST',
      url: api('/notification_rules'),
      headers: agent.tokenHeaders,
      payload: { name: 'x', trigger: 'event.created', audience: 'client' },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('scheduled notifications', () => {
  it('confirms a booking at once and sends the reminder within 2 s of its due time, exactly once', async () => {
    const template = await createTemplate({
      name: 'Confirmação',
      text: 'Olá {{client.first_name}}, seu evento {{event.title}} está marcado para {{event.starts_at | data_hora}}.',
      whatsapp: {
        template_name: 'lembrete_evento',
        language: 'pt_BR',
        body_params: ['{{client.name}}', '{{event.starts_at | data_hora}}'],
      },
    });
    const confirmation = await createRule({
      name: 'Confirmação',
      trigger: 'event.created',
      audience: 'client',
      template_id: template.id,
    });
    const reminder = await createRule({
      name: 'Lembrete 5 min',
      trigger: 'event.before_start',
      offset_minutes: 5,
      audience: 'client',
      template_id: template.id,
    });
    await onlyRules([confirmation.id, reminder.id]);
    const client = await newClient({ wrote: true });
    const event = await createEvent(client.id, 5 * 60_000 + 2_500);

    const planned = await readUntil(
      () => notificationsOf(`event_id=${event.id}`),
      (list) => list.length === 2,
    );
    const reminderRow = planned.find((row) => row.rule_id === reminder.id);
    expect(reminderRow?.key).toBe(`rule:${reminder.id}:event:${event.id}:contact:${client.contact_id}`);
    expect(reminderRow?.status).toBe('scheduled');

    const sent = await readUntil(
      () => notificationsOf(`event_id=${event.id}`),
      (list) => list.every((row) => row.status === 'sent'),
    );
    for (const row of sent) {
      expect(row.channel).toBe('whatsapp');
      expect(row.lateness_ms).toBeLessThan(2000);
      expect(row.message_id).not.toBeNull();
    }
    const messages = await t.db
      .selectFrom('messages')
      .select(['content', 'content_attributes', 'status'])
      .where(
        'id',
        'in',
        sent.map((row) => row.message_id as number),
      )
      .execute();
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message.content).toMatch(
        /^Olá Cliente, seu evento Aniversário está marcado para \d\d\/\d\d\/\d{4} às \d\d:\d\d\.$/,
      );
    }
    const sends = graph.requests.filter(
      (request) =>
        request.method === 'POST' &&
        (request.body as { to?: string })?.to?.endsWith(String(phoneCounter).padStart(5, '0')),
    );
    expect(sends).toHaveLength(2);
  });

  it('moves pending reminders with a rescheduled event and cancels them with a cancelled one', async () => {
    const template = await createTemplate({ name: 'Lembrete SMS', sms: 'Lembrete: {{event.title}}' });
    const reminder = await createRule({
      name: 'Lembrete 1 h',
      trigger: 'event.before_start',
      offset_minutes: 60,
      audience: 'client',
      template_id: template.id,
    });
    await onlyRules([reminder.id]);
    const client = await newClient({ wrote: false });
    const event = await createEvent(client.id, 3 * 60 * 60_000);
    const [first] = await readUntil(
      () => notificationsOf(`event_id=${event.id}`),
      (list) => list.length === 1,
    );
    const later = new Date(new Date(event.starts_at).getTime() + 24 * 60 * 60_000);
    const moved = await t.inject({
      method: 'PATCH',
      url: api(`/events/${event.id}`),
      headers,
      payload: { starts_at: later.toISOString(), ends_at: new Date(later.getTime() + 3600_000).toISOString() },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const [after] = await readUntil(
      () => notificationsOf(`event_id=${event.id}`),
      (list) => list[0]?.due_at !== first?.due_at,
    );
    expect(after?.id).toBe(first?.id);
    expect(after?.due_at).toBe(new Date(later.getTime() - 3600_000).toISOString());
    expect(after?.status).toBe('scheduled');

    // Moved so close that the reminder's moment has passed: recorded as skipped, not sent at once.
    const soon = new Date(Date.now() + 30 * 60_000);
    const close = await t.inject({
      method: 'PATCH',
      url: api(`/events/${event.id}`),
      headers,
      payload: { starts_at: soon.toISOString(), ends_at: new Date(soon.getTime() + 3600_000).toISOString() },
    });
    expect(close.statusCode, close.body).toBe(200);
    const [lateRow] = await readUntil(
      () => notificationsOf(`event_id=${event.id}`),
      (list) => list[0]?.status === 'skipped',
    );
    expect(lateRow?.reason).toMatch(/^planned_late/);
    const back = await t.inject({
      method: 'PATCH',
      url: api(`/events/${event.id}`),
      headers,
      payload: { starts_at: later.toISOString(), ends_at: new Date(later.getTime() + 3600_000).toISOString() },
    });
    expect(back.statusCode, back.body).toBe(200);
    await readUntil(
      () => notificationsOf(`event_id=${event.id}`),
      (list) => list.length === 1 && list[0]?.status === 'scheduled',
    );

    const cancelled = await t.inject({
      method: 'PATCH',
      url: api(`/events/${event.id}`),
      headers,
      payload: { status: 'cancelled' },
    });
    expect(cancelled.statusCode).toBe(200);
    const [gone] = await readUntil(
      () => notificationsOf(`event_id=${event.id}`),
      (list) => list[0]?.status === 'cancelled',
    );
    expect(gone?.reason).toMatch(/^event_cancelled/);
  });

  it('records a reminder whose time had already passed as skipped, and skips one that would arrive after the start', async () => {
    const template = await createTemplate({ name: 'Lembrete atrasado', sms: 'Lembrete {{event.title}}' });
    const reminder = await createRule({
      name: 'Lembrete 2 h',
      trigger: 'event.before_start',
      offset_minutes: 120,
      audience: 'client',
      template_id: template.id,
    });
    await onlyRules([reminder.id]);
    const client = await newClient({ wrote: true });
    const soon = await createEvent(client.id, 30 * 60_000);
    const [late] = await readUntil(
      () => notificationsOf(`event_id=${soon.id}`),
      (list) => list.length === 1,
    );
    expect(late?.status).toBe('skipped');
    expect(late?.reason).toMatch(/^planned_late/);

    // The service was down past the start: the reminder is not sent late.
    const later = await createEvent(client.id, 3 * 60 * 60_000);
    const [planned] = await readUntil(
      () => notificationsOf(`event_id=${later.id}`),
      (list) => list.length === 1,
    );
    await t.db
      .updateTable('events')
      .set({ starts_at: sql`now() - interval '1 minute'` })
      .where('id', '=', later.id)
      .execute();
    await t.db
      .updateTable('notifications')
      .set({ due_at: sql`now()` })
      .where('id', '=', planned?.id as number)
      .execute();
    await deliverNow(planned?.id as number);
    const [skipped] = await notificationsOf(`event_id=${later.id}`);
    expect(skipped?.status).toBe('skipped');
    expect(skipped?.reason).toMatch(/^too_late/);
  });
});

/** Runs the delivery job for a notification as the worker would, now. */
async function deliverNow(id: number) {
  const row = await t.db.selectFrom('notifications').select('due_at').where('id', '=', id).executeTakeFirstOrThrow();
  await t.app.jobs.enqueue(
    'notify.deliver',
    { notificationId: id, dueAt: row.due_at.getTime() },
    { key: `test:${id}:${row.due_at.getTime()}` },
  );
  await readUntil(
    () => t.db.selectFrom('notifications').select('status').where('id', '=', id).executeTakeFirstOrThrow(),
    (value) => value.status !== 'scheduled',
  );
}

/** A notification due now, for a client, carrying fixed content. */
async function scheduleDirect(contactId: number, values: { essential?: boolean; text?: string; key: string }) {
  const notifier = t.app.services.notifier;
  return inTransaction(t.db, (tx) =>
    notifier.schedule(tx, 1, {
      key: values.key,
      kind: 'consent',
      contactId,
      dueAt: new Date(),
      essential: values.essential ?? false,
      content: { text: values.text ?? 'Mensagem automática' },
    }),
  );
}

describe('delivery policy', () => {
  it('sends the approved template when the window is closed, with the parameters rendered', async () => {
    const template = await createTemplate({
      name: 'Só modelo',
      whatsapp: {
        template_name: 'lembrete_evento',
        language: 'pt_BR',
        body_params: ['{{client.name}}', '{{event.title}}'],
      },
    });
    const rule = await createRule({
      name: 'Modelo',
      trigger: 'event.created',
      audience: 'client',
      template_id: template.id,
    });
    await onlyRules([rule.id]);
    const client = await newClient({ wrote: false });
    const event = await createEvent(client.id, 48 * 60 * 60_000);
    const [sent] = await readUntil(
      () => notificationsOf(`event_id=${event.id}`),
      (list) => list[0]?.status === 'sent',
    );
    const message = await t.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.message_type', 'messages.content_attributes', 'conversations.status'])
      .where('messages.id', '=', sent?.message_id as number)
      .executeTakeFirstOrThrow();
    expect(message.message_type).toBe(3);
    // A conversation opened only to carry the reminder does not clutter the inbox.
    expect(message.status).toBe('resolved');
    const request = graph.requests.findLast((candidate) => (candidate.body as { type?: string })?.type === 'template');
    expect((request?.body as { template?: unknown } | undefined)?.template).toEqual({
      name: 'lembrete_evento',
      language: { code: 'pt_BR' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: `Cliente ${phoneCounter}` },
            { type: 'text', text: 'Aniversário' },
          ],
        },
      ],
    });
  });

  it('skips with the reason when the window is closed and there is no template nor SMS', async () => {
    const client = await newClient({ wrote: false });
    const { id } = await scheduleDirect(client.contact_id, { key: `direct:closed:${client.id}` });
    await readUntil(
      () => notificationsOf(`contact_id=${client.contact_id}`),
      (list) => list[0]?.status === 'skipped',
    );
    const [row] = await notificationsOf(`contact_id=${client.contact_id}`);
    expect(row?.id).toBe(id);
    expect(row?.reason).toMatch(/^window_closed/);
  });

  it('defers non-essential sends inside quiet hours to the end of the window; essential ones go', async () => {
    // A quiet window around the current São Paulo time.
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Sao_Paulo',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date());
    const [hour] = local.split(':').map(Number) as [number];
    const pad = (value: number) => String((value + 24) % 24).padStart(2, '0');
    await setQuietHours({ enabled: true, start: `${pad(hour - 1)}:00`, end: `${pad(hour + 1)}:00` });
    try {
      const client = await newClient({ wrote: true });
      const quiet = await scheduleDirect(client.contact_id, { key: `direct:quiet:${client.id}` });
      const loud = await scheduleDirect(client.contact_id, { key: `direct:essential:${client.id}`, essential: true });
      const rows = await readUntil(
        () => notificationsOf(`contact_id=${client.contact_id}`),
        (list) =>
          list.find((row) => row.id === loud.id)?.status === 'sent' &&
          list.find((row) => row.id === quiet.id)?.original_due_at !== null,
      );
      const deferred = rows.find((row) => row.id === quiet.id);
      expect(deferred?.status).toBe('scheduled');
      expect(deferred?.reason).toMatch(/^quiet_hours/);
      expect(new Date(deferred?.due_at as string).getTime()).toBeGreaterThan(Date.now());
    } finally {
      await setQuietHours({ enabled: false, start: '21:00', end: '08:00' });
    }
  });

  it('checks consent before every send', async () => {
    const client = await newClient({ wrote: true });
    await consentsRepo.set(t.db, {
      accountId: 1,
      contactId: client.contact_id,
      purpose: 'notifications',
      status: 'opted_out',
      source: 'keyword',
      at: new Date(),
    });
    await scheduleDirect(client.contact_id, { key: `direct:optout:${client.id}` });
    const [row] = await readUntil(
      () => notificationsOf(`contact_id=${client.contact_id}`),
      (list) => list[0]?.status === 'skipped',
    );
    expect(row?.reason).toMatch(/^opted_out/);
  });

  it('sends once even when two workers run the same due notification at the same time', async () => {
    const client = await newClient({ wrote: true });
    const due = new Date(Date.now() + 60 * 60_000);
    const { id } = await inTransaction(t.db, (tx) =>
      t.app.services.notifier.schedule(tx, 1, {
        key: `direct:race:${client.id}`,
        kind: 'consent',
        contactId: client.contact_id,
        dueAt: due,
        essential: true,
        content: { text: 'Uma vez só' },
      }),
    );
    const { handler } = t.app.jobs.definition('notify.deliver');
    const context = () => ({
      jobId: 0,
      attempt: 1,
      maxAttempts: 1,
      signal: new AbortController().signal,
      logger: t.app.logger,
    });
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => handler({ notificationId: id, dueAt: due.getTime() }, context())),
    );
    expect(outcomes.filter((outcome) => outcome === 'done')).toHaveLength(1);
    const messages = await t.db
      .selectFrom('messages')
      .select('id')
      .where(sql`content_attributes->>'notification_id'`, '=', String(id))
      .execute();
    expect(messages).toHaveLength(1);
  });

  it('marks the notification failed, with the reason, when WhatsApp refuses it for good', async () => {
    const client = await newClient({ wrote: true });
    graph.failNext({ status: 400, code: 131026, message: 'Message undeliverable' });
    const { id } = await scheduleDirect(client.contact_id, { key: `direct:fail:${client.id}`, essential: true });
    const [row] = await readUntil(
      () => notificationsOf(`contact_id=${client.contact_id}`),
      (list) => list[0]?.status === 'failed',
    );
    expect(row?.id).toBe(id);
    expect(row?.reason).toMatch(/^whatsapp_failed/);
  });

  it('falls back to SMS when WhatsApp cannot deliver (131026) and the notification has an SMS text', async () => {
    const saved = await t.inject({
      method: 'PUT',
      url: api('/sms_settings'),
      headers,
      payload: { provider: 'twilio', sender: '+15005550006', credentials: TWILIO },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    try {
      const client = await newClient({ wrote: true });
      graph.failNext({ status: 400, code: 131026, message: 'Message undeliverable' });
      const { id } = await inTransaction(t.db, (tx) =>
        t.app.services.notifier.schedule(tx, 1, {
          key: `direct:sms:${client.id}`,
          kind: 'consent',
          contactId: client.contact_id,
          dueAt: new Date(),
          essential: true,
          content: { text: 'Pelo WhatsApp', sms: 'Pelo SMS' },
        }),
      );
      const [row] = await readUntil(
        () => notificationsOf(`contact_id=${client.contact_id}`),
        (list) => list[0]?.channel === 'sms' && list[0]?.status === 'sent',
      );
      expect(row?.id).toBe(id);
      expect(row?.reason).toMatch(/^sms_fallback/);
      const sent = sms.requests.filter((request) => request.body.Body === 'Pelo SMS');
      expect(sent).toHaveLength(1);
      expect(sent[0]?.body.To).toBe(`+55119876${String(phoneCounter).padStart(5, '0')}`);
    } finally {
      await t.db.deleteFrom('sms_settings').where('account_id', '=', 1).execute();
    }
  });
});
