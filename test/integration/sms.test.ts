import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import type { BusinessEvent } from '../../src/automation/business-events.js';
import { twilioSignature } from '../../src/channels/sms/drivers/twilio-signature.js';
import { SMS_PENDING_RETENTION_DAYS } from '../../src/channels/sms/sms-pending-statuses.repo.js';
import type { Notification } from '../../src/db/schema.js';
import { inTransaction } from '../../src/db/transaction.js';
import { sleep } from '../../src/shared/clock.js';
import { eventually } from '../helpers/eventually.js';
import { type FakeSms, startFakeSms } from '../helpers/fake-sms.js';
import { createTestApp, FRONTEND_URL, type TestApp } from '../helpers/test-app.js';

const TWILIO = { account_sid: `AC${'0123456789abcdef'.repeat(2)}`, auth_token: 'twilio-auth-token-0123456789' };
const ZENVIA_TOKEN = 'zenvia-api-token-0123456789';

let t: TestApp;
let fake: FakeSms;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
const failures: BusinessEvent[] = [];

beforeAll(async () => {
  fake = await startFakeSms();
  fake.twilioAccount(TWILIO.account_sid, TWILIO.auth_token);
  fake.zenviaToken(ZENVIA_TOKEN);
  t = await createTestApp({ env: { TWILIO_API_URL: fake.url, ZENVIA_API_URL: fake.url, SIMULATOR: 'on' } });
  admin = await t.signIn();
  t.app.services.businessEvents.register({
    id: 'test.sms-failures',
    wants: (event) => event.name === 'notification.failed',
    handle: async (event) => void failures.push(event),
  });
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const settingsApi = (method: 'GET' | 'PUT', payload?: unknown, headers = admin.tokenHeaders) =>
  t.inject({
    method,
    url: '/api/v1/accounts/1/sms_settings',
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const chooseTwilio = async (sender = '+15005550006') => {
  const response = await settingsApi('PUT', { provider: 'twilio', sender, credentials: TWILIO });
  expect(response.statusCode).toBe(200);
};
const chooseZenvia = async () => {
  const response = await settingsApi('PUT', {
    provider: 'zenvia',
    sender: 'santana-sms',
    credentials: { api_token: ZENVIA_TOKEN },
  });
  expect(response.statusCode).toBe(200);
};

let counter = 0;
async function contact(phone: string | null = `+55119876${String(++counter).padStart(5, '0')}`) {
  return t.db
    .insertInto('contacts')
    .values({
      account_id: 1,
      name: `Cliente SMS ${counter}`,
      phone_number: phone,
      phone_key: phone?.replace(/\D/g, '') ?? null,
      custom_attributes: '{}',
      additional_attributes: '{}',
    })
    .returning(['id', 'phone_number'])
    .executeTakeFirstOrThrow();
}

/** A notification the notifier routed to SMS (queued, channel sms, rendered text), and its send job. */
async function queuedSms(text = 'Lembrete: seu evento é amanhã às 19:00.', person?: { id: number }) {
  const recipient = person ?? (await contact());
  return inTransaction(t.db, async (tx) => {
    const row = await tx.trx
      .insertInto('notifications')
      .values({
        account_id: 1,
        key: `test:sms:${process.pid}:${++counter}`,
        kind: 'rule',
        contact_id: recipient.id,
        channel: 'sms',
        status: 'queued',
        due_at: new Date(),
        rendered: JSON.stringify({ sms: text }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.app.services.smsGateway.enqueue(tx, 1, row.id);
    return { id: row.id, contactId: recipient.id };
  });
}

const notification = (id: number) =>
  t.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Retries wait for their backoff: bring the next attempt forward, as if that time had passed. */
const hurry = (id: number) =>
  t.db
    .updateTable('jobs')
    .set({ run_at: sql`now()` })
    .where('idempotency_key', '=', `sms:${id}`)
    .where('status', '=', 'scheduled')
    .execute();

async function waitFor(id: number, statuses: string[], options: { hurry?: boolean; timeoutMs?: number } = {}) {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const row = await notification(id);
    if (statuses.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`notification ${id} still ${row.status}`);
    if (options.hurry) await hurry(id);
    await sleep(30);
  }
}

const TWILIO_CALLBACK_PATH = '/webhooks/sms/twilio/1';

function twilioCallback(fields: Record<string, string>, signature?: string | null) {
  const params = new URLSearchParams({
    AccountSid: TWILIO.account_sid,
    ApiVersion: '2010-04-01',
    From: '+15005550006',
    To: '+5511987650001',
    ...fields,
  });
  const signed =
    signature === undefined
      ? twilioSignature(TWILIO.auth_token, `${FRONTEND_URL}${TWILIO_CALLBACK_PATH}`, params)
      : signature;
  return t.inject({
    method: 'POST',
    url: TWILIO_CALLBACK_PATH,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signed === null ? {} : { 'x-twilio-signature': signed }),
    },
    payload: params.toString(),
  });
}

async function sentThroughTwilio(): Promise<Notification> {
  await chooseTwilio();
  const { id } = await queuedSms();
  return waitFor(id, ['sent']);
}

describe('SMS settings', () => {
  it('lets an administrator choose Twilio; the credentials are sealed at rest and never shown', async () => {
    const saved = await settingsApi('PUT', { provider: 'twilio', sender: '+15005550006', credentials: TWILIO });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual({
      provider: 'twilio',
      sender: '+15005550006',
      configured: true,
      status_callback_url: `${FRONTEND_URL}/webhooks/sms/twilio/1`,
    });
    const shown = await settingsApi('GET');
    expect(shown.json()).toEqual(saved.json());
    expect(shown.body).not.toContain(TWILIO.auth_token);
    const row = await t.db.selectFrom('sms_settings').selectAll().where('account_id', '=', 1).executeTakeFirstOrThrow();
    expect(row.credentials).not.toContain(TWILIO.auth_token);
    expect(row.credentials).not.toContain(TWILIO.account_sid);
  });

  it('keeps the saved credentials when they are left out, and asks for them when the provider changes', async () => {
    await chooseTwilio();
    const renamed = await settingsApi('PUT', { provider: 'twilio', sender: 'Santana' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ provider: 'twilio', sender: 'Santana', configured: true });
    const switched = await settingsApi('PUT', { provider: 'zenvia', sender: 'santana-sms' });
    expect(switched.statusCode).toBe(422);
    expect(switched.json().details).toEqual([expect.objectContaining({ field: 'credentials' })]);
  });

  it('names the field when the input is wrong', async () => {
    const badSid = await settingsApi('PUT', {
      provider: 'twilio',
      sender: '+15005550006',
      credentials: { account_sid: 'XX123', auth_token: TWILIO.auth_token },
    });
    expect(badSid.statusCode).toBe(400);
    expect(badSid.json().details).toEqual([expect.objectContaining({ field: 'credentials.account_sid' })]);
    const badProvider = await settingsApi('PUT', { provider: 'sinal-de-fumaca', sender: 'x' });
    expect(badProvider.statusCode).toBe(400);
    expect(badProvider.json().message).toContain('provider');
  });

  it('is for administrators only', async () => {
    const email = `agente-sms-${process.pid}@example.com`;
    const user = await t.app.services.users.createUser({
      name: 'Agente',
      email,
      passwordHash: await hashPassword('senha-do-agente-1'),
    });
    await t.app.services.users.addMembership({ accountId: 1, userId: user.id, role: 'agent' });
    const agent = await t.signIn(email, 'senha-do-agente-1');
    expect((await settingsApi('GET', undefined, agent.tokenHeaders)).statusCode).toBe(403);
    expect(
      (await settingsApi('PUT', { provider: 'twilio', sender: 'Agente', credentials: TWILIO }, agent.tokenHeaders))
        .statusCode,
    ).toBe(403);
  });

  it("shows Zenvia's status webhook URL with the account's own token", async () => {
    await chooseZenvia();
    const shown = (await settingsApi('GET')).json();
    expect(shown).toMatchObject({ provider: 'zenvia', sender: 'santana-sms', configured: true });
    expect(shown.status_callback_url).toMatch(/^http:\/\/santana\.test\/webhooks\/sms\/zenvia\/1\?token=[0-9a-f]{40}$/);
  });
});

describe('sending through Twilio', () => {
  beforeAll(() => chooseTwilio());

  it('posts the form Twilio documents, with basic auth, and stores the Message sid', async () => {
    const before = fake.sends('twilio').length;
    const person = await contact('+5511987650001');
    const { id } = await queuedSms('Seu evento é amanhã às 19:00.', person);
    const sent = await waitFor(id, ['sent']);
    const request = fake.sends('twilio').at(-1);
    expect(fake.sends('twilio').length - before).toBe(1);
    expect(request?.path).toBe(`/2010-04-01/Accounts/${TWILIO.account_sid}/Messages.json`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${TWILIO.account_sid}:${TWILIO.auth_token}`).toString('base64')}`,
    );
    expect(request?.body).toEqual({
      To: '+5511987650001',
      From: '+15005550006',
      Body: 'Seu evento é amanhã às 19:00.',
      StatusCallback: `${FRONTEND_URL}/webhooks/sms/twilio/1`,
    });
    expect(sent).toMatchObject({ status: 'sent', sms_provider: 'twilio' });
    expect(sent.sms_provider_id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.sent_at).toBeInstanceOf(Date);
  });

  it('sends through a Messaging Service when the sender is its SID', async () => {
    const service = `MG${'abcdef0123456789'.repeat(2)}`;
    await chooseTwilio(service);
    const { id } = await queuedSms();
    await waitFor(id, ['sent']);
    expect(fake.sends('twilio').at(-1)?.body).toMatchObject({ MessagingServiceSid: service });
    expect(fake.sends('twilio').at(-1)?.body).not.toHaveProperty('From');
    await chooseTwilio();
  });

  it('fails at once on a permanent error (21211), with a reason in Portuguese and notification.failed', async () => {
    const before = fake.sends('twilio').length;
    fake.failNext('twilio', { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const { id, contactId } = await queuedSms();
    const failed = await waitFor(id, ['failed']);
    expect(failed).toMatchObject({
      error_code: '21211',
      reason: 'O número de telefone do contato não é válido para SMS.',
    });
    expect(fake.sends('twilio').length - before).toBe(1);
    const event = await eventually(() => failures.find((candidate) => candidate.data.notification_id === id));
    expect(event.data).toMatchObject({ contact_id: contactId, channel: 'sms', error_code: '21211', kind: 'rule' });
  });

  it('records 21610 (the person texted STOP) as an opt-out of marketing and notifications', async () => {
    fake.failNext('twilio', { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const { id, contactId } = await queuedSms();
    await waitFor(id, ['failed']);
    const consents = await t.db
      .selectFrom('contact_consents')
      .select(['purpose', 'status', 'source'])
      .where('contact_id', '=', contactId)
      .orderBy('purpose')
      .execute();
    expect(consents).toEqual([
      { purpose: 'marketing', status: 'opted_out', source: 'sms_21610' },
      { purpose: 'notifications', status: 'opted_out', source: 'sms_21610' },
    ]);
  });

  it('retries temporary errors (5xx, a dropped connection) and sends once Twilio answers', async () => {
    const before = fake.sends('twilio').length;
    fake.failNext('twilio', { status: 503, code: 20503, message: 'Service Unavailable' });
    fake.dropNext('twilio');
    const { id } = await queuedSms();
    const sent = await waitFor(id, ['sent', 'failed'], { hurry: true });
    expect(sent.status).toBe('sent');
    expect(fake.sends('twilio').length - before).toBe(3);
  });

  it('marks the SMS failed after the last attempt while the provider stays down', async () => {
    const before = fake.sends('twilio').length;
    for (let attempt = 0; attempt < 6; attempt++) {
      fake.failNext('twilio', { status: 503, code: 20503, message: 'Service Unavailable' });
    }
    const { id } = await queuedSms();
    const failed = await waitFor(id, ['sent', 'failed'], { hurry: true, timeoutMs: 20_000 });
    expect(failed).toMatchObject({ status: 'failed', error_code: '20503' });
    expect(failed.reason).toContain('Desistimos após 6 tentativas');
    expect(fake.sends('twilio').length - before).toBe(6);
  });

  it('never sends a notification that is no longer queued', async () => {
    const before = fake.sends('twilio').length;
    const person = await contact();
    const row = await t.db
      .insertInto('notifications')
      .values({
        account_id: 1,
        key: `test:sms:cancelled:${process.pid}`,
        contact_id: person.id,
        channel: 'sms',
        status: 'cancelled',
        due_at: new Date(),
        rendered: JSON.stringify({ sms: 'não deve sair' }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await inTransaction(t.db, (tx) => t.app.services.smsGateway.enqueue(tx, 1, row.id));
    await eventually(async () => {
      const job = await t.db
        .selectFrom('jobs')
        .select('status')
        .where('idempotency_key', '=', `sms:${row.id}`)
        .executeTakeFirstOrThrow();
      return job.status === 'done' ? job : undefined;
    });
    expect(fake.sends('twilio').length).toBe(before);
    expect((await notification(row.id)).status).toBe('cancelled');
  });

  it('fails without calling Twilio when the contact has no phone number', async () => {
    const before = fake.sends('twilio').length;
    const { id } = await queuedSms('sem número', await contact(null));
    expect(await waitFor(id, ['failed'])).toMatchObject({ error_code: 'no_phone' });
    expect(fake.sends('twilio').length).toBe(before);
  });
});

describe('sending through Zenvia', () => {
  beforeAll(() => chooseZenvia());

  it('posts {from, to, contents} with X-API-TOKEN and stores the message id', async () => {
    const person = await contact('+5511987650002');
    const { id } = await queuedSms('Olá pela Zenvia', person);
    const sent = await waitFor(id, ['sent']);
    const request = fake.sends('zenvia').at(-1);
    expect(request?.path).toBe('/v2/channels/sms/messages');
    expect(request?.headers['x-api-token']).toBe(ZENVIA_TOKEN);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      from: 'santana-sms',
      to: '5511987650002',
      contents: [{ type: 'text', text: 'Olá pela Zenvia' }],
    });
    expect(sent.sms_provider).toBe('zenvia');
    expect(sent.sms_provider_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fails at once on a validation error', async () => {
    const before = fake.sends('zenvia').length;
    fake.failNext('zenvia', { status: 400, code: 'VALIDATION_ERROR', message: 'Validation error' });
    const { id } = await queuedSms();
    const failed = await waitFor(id, ['failed']);
    expect(failed.error_code).toBe('VALIDATION_ERROR');
    expect(failed.reason).toContain('Zenvia recusou');
    expect(fake.sends('zenvia').length - before).toBe(1);
  });
});

describe("Twilio's status callbacks", () => {
  it('marks the SMS delivered on a correctly signed callback', async () => {
    const sent = await sentThroughTwilio();
    const response = await twilioCallback({
      MessageSid: sent.sms_provider_id ?? '',
      SmsSid: sent.sms_provider_id ?? '',
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
    });
    expect(response.statusCode).toBe(200);
    const delivered = await notification(sent.id);
    expect(delivered.status).toBe('delivered');
    expect(delivered.delivered_at).toBeInstanceOf(Date);
  });

  it('refuses a wrong or missing signature with 401 and changes nothing', async () => {
    const sent = await sentThroughTwilio();
    const fields = { MessageSid: sent.sms_provider_id ?? '', MessageStatus: 'delivered' };
    const forged = twilioSignature(
      'not-the-auth-token',
      `${FRONTEND_URL}${TWILIO_CALLBACK_PATH}`,
      new URLSearchParams(fields),
    );
    expect((await twilioCallback(fields, forged)).statusCode).toBe(401);
    expect((await twilioCallback(fields, null)).statusCode).toBe(401);
    expect((await notification(sent.id)).status).toBe('sent');
  });

  it('only moves forward: a late "sent" or "failed" does not undo "delivered"', async () => {
    const sent = await sentThroughTwilio();
    const sid = sent.sms_provider_id ?? '';
    await twilioCallback({ MessageSid: sid, MessageStatus: 'delivered' });
    await twilioCallback({ MessageSid: sid, MessageStatus: 'sent' });
    await twilioCallback({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003' });
    expect(await notification(sent.id)).toMatchObject({ status: 'delivered', error_code: null });
  });

  it('marks an undelivered SMS failed with the carrier reason', async () => {
    const sent = await sentThroughTwilio();
    await twilioCallback({ MessageSid: sent.sms_provider_id ?? '', MessageStatus: 'undelivered', ErrorCode: '30003' });
    expect(await notification(sent.id)).toMatchObject({
      status: 'failed',
      error_code: '30003',
      reason: 'O celular do contato está desligado ou fora de área.',
    });
    await eventually(() => failures.find((event) => event.data.notification_id === sent.id));
  });

  it('acknowledges a status for a message it never sent and keeps it pending', async () => {
    await chooseTwilio();
    const sid = `SM${'f'.repeat(32)}`;
    const response = await twilioCallback({ MessageSid: sid, MessageStatus: 'delivered' });
    expect(response.statusCode).toBe(200);
    const pending = await t.db.selectFrom('sms_pending_statuses').selectAll().where('provider_id', '=', sid).execute();
    expect(pending).toMatchObject([{ account_id: 1, provider: 'twilio', status: 'delivered' }]);
  });

  it('drops a kept status that waited for its id longer than the retention, when another is kept', async () => {
    await chooseTwilio();
    const stale = `SM${'e'.repeat(32)}`;
    await twilioCallback({ MessageSid: stale, MessageStatus: 'delivered' });
    await t.db
      .updateTable('sms_pending_statuses')
      .set({ received_at: new Date(Date.now() - (SMS_PENDING_RETENTION_DAYS * 24 + 1) * 3_600_000) })
      .where('provider_id', '=', stale)
      .execute();
    const fresh = `SM${'d'.repeat(32)}`;
    await twilioCallback({ MessageSid: fresh, MessageStatus: 'sent' });
    const kept = await t.db
      .selectFrom('sms_pending_statuses')
      .select('provider_id')
      .where('provider_id', 'in', [stale, fresh])
      .execute();
    expect(kept).toEqual([{ provider_id: fresh }]);
  });

  /** A queued SMS notification whose send is under way: the gateway took it, its id is not stored yet. */
  async function sendInFlight() {
    await chooseTwilio();
    const person = await contact();
    const row = await t.db
      .insertInto('notifications')
      .values({
        account_id: 1,
        key: `test:sms:race:${process.pid}:${++counter}`,
        kind: 'rule',
        contact_id: person.id,
        channel: 'sms',
        status: 'queued',
        due_at: new Date(),
        rendered: JSON.stringify({ sms: 'Lembrete.' }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, sid: `SM${String(row.id).padStart(32, '0')}` };
  }

  it('applies a callback that came before the send stored the id once it is stored', async () => {
    const { id, sid } = await sendInFlight();
    expect((await twilioCallback({ MessageSid: sid, MessageStatus: 'delivered' })).statusCode).toBe(200);
    expect((await notification(id)).status).toBe('queued');

    await t.app.services.sms.status.markSent({ id }, 'twilio', sid);
    expect(await notification(id)).toMatchObject({ status: 'delivered', sms_provider_id: sid });
    expect((await notification(id)).delivered_at).toBeInstanceOf(Date);
    const left = await t.db.selectFrom('sms_pending_statuses').select('id').where('provider_id', '=', sid).execute();
    expect(left).toEqual([]);
  });

  it('applies early callbacks in order: "delivered" is not undone by a "sent" that came after it', async () => {
    const { id, sid } = await sendInFlight();
    await twilioCallback({ MessageSid: sid, MessageStatus: 'delivered' });
    await twilioCallback({ MessageSid: sid, MessageStatus: 'sent' });
    await t.app.services.sms.status.markSent({ id }, 'twilio', sid);
    expect((await notification(id)).status).toBe('delivered');
  });

  it('fails the notification when an early callback said undelivered', async () => {
    const { id, sid } = await sendInFlight();
    await twilioCallback({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003' });
    await t.app.services.sms.status.markSent({ id }, 'twilio', sid);
    expect(await notification(id)).toMatchObject({ status: 'failed', error_code: '30003' });
    await eventually(() => failures.find((event) => event.data.notification_id === id));
  });
});

describe("Zenvia's status webhook", () => {
  const zenviaEvent = (messageId: string, code: string, causes?: unknown[]) => ({
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    timestamp: new Date().toISOString(),
    type: 'MESSAGE_STATUS',
    subscriptionId: 'b1b2c3d4-0000-4000-8000-000000000002',
    channel: 'sms',
    messageId,
    contentIndex: 0,
    messageStatus: { timestamp: new Date().toISOString(), code, description: 'status', ...(causes ? { causes } : {}) },
  });

  async function sentThroughZenvia() {
    await chooseZenvia();
    const { id } = await queuedSms();
    return waitFor(id, ['sent']);
  }

  async function callbackUrl() {
    return (await settingsApi('GET')).json().status_callback_url.replace(FRONTEND_URL, '') as string;
  }

  it('needs the token of the URL shown in the settings', async () => {
    const sent = await sentThroughZenvia();
    const payload = zenviaEvent(sent.sms_provider_id ?? '', 'DELIVERED');
    const wrong = await t.inject({ method: 'POST', url: '/webhooks/sms/zenvia/1?token=nope', payload });
    expect(wrong.statusCode).toBe(401);
    const missing = await t.inject({ method: 'POST', url: '/webhooks/sms/zenvia/1', payload });
    expect(missing.statusCode).toBe(401);
    expect((await notification(sent.id)).status).toBe('sent');
    const right = await t.inject({ method: 'POST', url: await callbackUrl(), payload });
    expect(right.statusCode).toBe(200);
    expect((await notification(sent.id)).status).toBe('delivered');
  });

  it('marks NOT_DELIVERED as failed with the cause', async () => {
    const sent = await sentThroughZenvia();
    const payload = zenviaEvent(sent.sms_provider_id ?? '', 'NOT_DELIVERED', [
      { channelErrorCode: 'NOT_DELIVERED', reason: 'Unreachable', details: 'handset off' },
    ]);
    expect((await t.inject({ method: 'POST', url: await callbackUrl(), payload })).statusCode).toBe(200);
    expect(await notification(sent.id)).toMatchObject({
      status: 'failed',
      error_code: 'NOT_DELIVERED',
      reason: 'A operadora não conseguiu entregar o SMS.',
    });
  });
});

describe('the simulator gateway (the embedded default)', () => {
  it('sends SMS for an account without settings, shows them on the phone and reports them delivered', async () => {
    await t.db.deleteFrom('sms_settings').where('account_id', '=', 1).execute();
    expect(await t.app.services.smsGateway.isAvailable(1)).toBe(true);
    // Inside a transaction it reads through that transaction (PGlite has a single connection).
    expect(await inTransaction(t.db, (tx) => t.app.services.smsGateway.isAvailable(1, tx.trx))).toBe(true);
    expect((await settingsApi('GET')).json()).toMatchObject({ provider: 'simulator', configured: false });
    const before = fake.requests.length;
    const person = await contact('+5511987659999');
    const { id } = await queuedSms('Lembrete pelo simulador', person);
    const delivered = await waitFor(id, ['delivered']);
    expect(delivered.sms_provider).toBe('simulator');
    expect(fake.requests.length).toBe(before);
    // The phone may be played with or without the 9th digit: both see the SMS.
    for (const waId of ['5511987659999', '551187659999']) {
      const shown = await t.inject({
        method: 'GET',
        url: `/simulator/api/phones/${waId}/sms`,
        headers: admin.tokenHeaders,
      });
      expect(shown.statusCode).toBe(200);
      expect(shown.json().payload).toEqual([
        expect.objectContaining({
          body: 'Lembrete pelo simulador',
          status: 'delivered',
          sid: delivered.sms_provider_id,
        }),
      ]);
    }
  });
});
