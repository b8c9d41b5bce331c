import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERASED_BODY } from '../../src/channels/whatsapp/raw-webhooks.repo.js';
import { eventually } from '../helpers/eventually.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { settleJobs } from '../helpers/settle-jobs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  createWhatsAppInbox,
  messagePayload,
  postWebhook,
  type TestInbox,
  textPayload,
  waitForWebhooks,
} from '../helpers/whatsapp.js';

// LGPD: a person's data exported as one JSON document; deleting a contact (or an inbox) takes the person's
// files and stored webhook bodies with it; stored bodies are pruned once past RAW_WEBHOOK_RETENTION_DAYS.

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;

// An integration (n8n, say) receiving every message_created: the outgoing webhook log keeps each payload.
let receiver: Server;
let webhookId: number;

beforeAll(async () => {
  graph = await startFakeGraph();
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t = await createTestApp({
    env: { WHATSAPP_GRAPH_URL: graph.url, RAW_WEBHOOK_RETENTION_DAYS: '10', WEBHOOK_DELIVERY_RETENTION_DAYS: '5' },
  });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
  const { port } = receiver.address() as AddressInfo;
  const webhook = await api('POST', '/webhooks', {
    url: `http://127.0.0.1:${port}/n8n`,
    subscriptions: ['message_created'],
  });
  expect(webhook.statusCode, webhook.body).toBe(200);
  webhookId = webhook.json().payload.webhook.id;
});
afterAll(async () => {
  await t.close();
  await graph.close();
  await new Promise((resolve) => receiver.close(resolve));
});

/** Settled deliveries of the account webhook whose payload contains `text`. */
const deliveriesNaming = (text: string) =>
  t.db
    .selectFrom('webhook_deliveries')
    .select(['id', 'status'])
    .where('webhook_id', '=', webhookId)
    .where('status', '=', 'delivered')
    .where('payload', 'like', `%${text}%`)
    .execute();

// A real 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const api = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
  headers: Record<string, string> = admin.tokenHeaders,
  accountId = inbox.accountId,
) =>
  t.inject({
    method,
    url: `/api/v1/accounts/${accountId}${url}`,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });

let sequence = 0;
/** A Brazilian mobile in its 13-digit form and the 12-digit form WhatsApp still reports for older accounts. */
function person() {
  sequence++;
  const subscriber = `8${String(sequence).padStart(3, '0')}${String(process.pid % 10_000).padStart(4, '0')}`;
  return { withNine: `55319${subscriber}`, withoutNine: `5531${subscriber}` };
}

/** `from` writes a text and sends a photo; returns the raw bodies as posted and the photo's stored key. */
async function writesAndSendsPhoto(from: { withNine: string; withoutNine: string }, name: string) {
  const mediaId = String(700_000_000 + sequence);
  graph.addMedia(mediaId, PNG, 'image/png');
  const textWamid = `wamid.erase-text-${from.withNine}`;
  const text = JSON.stringify(
    textPayload(inbox.phoneNumberId, { from: from.withNine, name, wamid: textWamid, text: 'Oi' }),
  );
  // The photo arrives under the number's old form: still the same person, and still theirs to erase.
  const photo = JSON.stringify(
    messagePayload(inbox.phoneNumberId, {
      from: from.withoutNine,
      name,
      message: {
        id: `wamid.erase-photo-${from.withNine}`,
        type: 'image',
        image: { id: mediaId, mime_type: 'image/png', sha256: 'x' },
      },
    }),
  );
  for (const body of [text, photo]) expect((await postWebhook(t, body, inbox.appSecret)).statusCode).toBe(200);
  await waitForWebhooks(t);
  const attachment = await eventually(
    () =>
      t.db
        .selectFrom('attachments')
        .innerJoin('messages', 'messages.id', 'attachments.message_id')
        .select(['attachments.storage_key', 'attachments.status', 'messages.conversation_id', 'messages.id'])
        .where('messages.source_id', '=', `wamid.erase-photo-${from.withNine}`)
        .where('attachments.status', '=', 'ready')
        .executeTakeFirst(),
    { what: `the photo of ${name} downloaded` },
  );
  const contact = await t.db
    .selectFrom('contact_inboxes')
    .select('contact_id')
    .where('inbox_id', '=', inbox.id)
    .where('source_id', '=', from.withNine)
    .executeTakeFirstOrThrow();
  return {
    textWamid,
    photoWamid: `wamid.erase-photo-${from.withNine}`,
    bodies: [text, photo],
    key: attachment.storage_key as string,
    contactId: contact.contact_id,
    messageId: attachment.id,
  };
}

/** The bodies of these raw webhooks still stored, in id order. */
const bodiesOf = (rows: Array<{ id: number }>) =>
  t.db
    .selectFrom('raw_webhooks')
    .select('body')
    .where(
      'id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('id')
    .execute();

const fileOf = (key: string) => path.join(t.config.dataDir, 'media', key);

async function storedBodies(bodies: string[]) {
  const rows = await t.db.selectFrom('raw_webhooks').select(['body']).where('provider', '=', 'whatsapp').execute();
  const all = rows.map((row) => row.body);
  return {
    kept: bodies.filter((body) => all.includes(body)),
    erased: all.filter((body) => body === ERASED_BODY).length,
  };
}

describe('exporting a person’s data', () => {
  it('gives administrators one JSON file with the contact, consents, CRM profile, timeline and every message', async () => {
    const who = person();
    const gil = await writesAndSendsPhoto(who, 'Gil Export');
    const other = await writesAndSendsPhoto(person(), 'Hana Other');
    expect((await api('PUT', `/contacts/${gil.contactId}/consents`, { marketing: 'opted_in' })).statusCode).toBe(200);
    expect(
      (await api('POST', `/contacts/${gil.contactId}/notes`, { content: 'Prefere contato à tarde' })).statusCode,
    ).toBe(200);
    const client = await api('POST', '/clients', { name: 'Gil Export', phone_number: `+${who.withNine}` });
    expect(client.statusCode, client.body).toBe(201);
    expect(client.json().contact_id).toBe(gil.contactId);

    const response = await api('GET', `/contacts/${gil.contactId}/export`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="contato-${gil.contactId}-`),
    );
    const exported = response.json();
    expect(exported).toMatchObject({
      format: 'santana.person_export.v1',
      account_id: inbox.accountId,
      contact: { id: gil.contactId, name: 'Gil Export', phone_number: `+${who.withNine}` },
      consents: { marketing: { status: 'opted_in' } },
      crm: { client: { id: client.json().id }, provider: null },
    });
    expect(exported.contact.contact_inboxes.map((ci: { source_id: string }) => ci.source_id)).toContain(who.withNine);
    const kinds = exported.timeline.map((entry: { kind: string }) => entry.kind);
    expect(kinds).toEqual(expect.arrayContaining(['conversation', 'note']));
    expect(exported.timeline.find((entry: { kind: string }) => entry.kind === 'note').content).toBe(
      'Prefere contato à tarde',
    );
    expect(exported.conversations).toHaveLength(1);
    const messages = exported.conversations[0].messages;
    expect(messages.map((message: { content: string | null }) => message.content)).toContain('Oi');
    const photo = messages.find((message: { source_id: string }) => message.source_id === gil.photoWamid);
    expect(photo.attachments[0]).toMatchObject({ file_type: 'image' });
    expect(photo.attachments[0].data_url).toMatch(/\/attachments\/\d+/);
    // Nobody else's data.
    expect(response.body).not.toContain('Hana Other');
    expect(response.body).not.toContain(other.textWamid);

    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'target_id'])
      .where('action', '=', 'contact.exported')
      .execute();
    expect(audit).toContainEqual({ actor_user_id: admin.user.id, target_id: String(gil.contactId) });
  });

  it('is for administrators of the account only (403 for agents, 404 elsewhere)', async () => {
    const ivo = await writesAndSendsPhoto(person(), 'Ivo Guarded');
    const email = `agente-lgpd-${Date.now().toString(36)}@example.com`;
    const created = await api('POST', '/agents', {
      name: 'Agente',
      email,
      role: 'agent',
      password: 'senha-do-agente-1',
    });
    expect(created.statusCode, created.body).toBe(200);
    const agent = await t.signIn(email, 'senha-do-agente-1');
    const forbidden = await api('GET', `/contacts/${ivo.contactId}/export`, undefined, agent.tokenHeaders);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toBe('forbidden');
    expect((await api('GET', '/contacts/999999999/export')).statusCode).toBe(404);
    const elsewhere = await api('GET', `/contacts/${ivo.contactId}/export`, undefined, admin.tokenHeaders, 999);
    expect(elsewhere.statusCode).toBe(404);
  });
});

describe('deleting a contact erases the person', () => {
  it('removes their files and the stored webhook bodies that name them (both number forms), and keeps the others', async () => {
    const anaPhone = person();
    const biaPhone = person();
    const ana = await writesAndSendsPhoto(anaPhone, 'Ana Erasure');
    const bia = await writesAndSendsPhoto(biaPhone, 'Bia Keeps');
    expect(existsSync(fileOf(ana.key))).toBe(true);
    const erasedBefore = (await storedBodies([])).erased;
    // n8n was sent both people's messages: the log keeps the payloads, which name their numbers.
    await eventually(async () => (await deliveriesNaming(anaPhone.withNine)).length >= 2, { what: 'Ana’s deliveries' });
    await eventually(async () => (await deliveriesNaming(biaPhone.withNine)).length >= 2, { what: 'Bia’s deliveries' });

    const deleted = await api('DELETE', `/contacts/${ana.contactId}`);
    expect(deleted.statusCode).toBe(200);
    const audited = await t.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'details'])
      .where('action', '=', 'contact.deleted')
      .where('target_id', '=', String(ana.contactId))
      .executeTakeFirstOrThrow();
    expect(audited.actor_user_id).toBe(admin.user.id);
    // Who erased whom, without the person's name or number.
    expect(JSON.stringify(audited.details)).not.toContain('Ana');
    await settleJobs(t.db, { names: ['attachments.remove_files', 'privacy.erase_person_data'], failOnDead: true });

    expect(existsSync(fileOf(ana.key))).toBe(false);
    expect(existsSync(fileOf(bia.key))).toBe(true);
    const stored = await storedBodies([...ana.bodies, ...bia.bodies]);
    expect(stored.kept).toEqual(bia.bodies);
    expect(stored.erased - erasedBefore).toBe(2);
    expect(await deliveriesNaming(anaPhone.withNine)).toEqual([]);
    expect(await deliveriesNaming('Ana Erasure')).toEqual([]);
    expect((await deliveriesNaming(biaPhone.withNine)).length).toBeGreaterThanOrEqual(2);

    // Meta redelivering one of the erased payloads: recognised as stored (its SHA-256 stays), nothing comes back.
    expect((await postWebhook(t, ana.bodies[0] as string, inbox.appSecret)).statusCode).toBe(200);
    await waitForWebhooks(t);
    expect(await t.db.selectFrom('messages').select('id').where('source_id', '=', ana.textWamid).execute()).toEqual([]);
  });

  it('keeps a file another message still shows (an automation rule sends one stored file to many)', async () => {
    const carla = await writesAndSendsPhoto(person(), 'Carla Shares');
    const dani = await writesAndSendsPhoto(person(), 'Dani Receives');
    // What the rule's send_attachment action writes: another attachment row naming the same stored file.
    await t.db
      .insertInto('attachments')
      .values({
        account_id: inbox.accountId,
        message_id: dani.messageId,
        file_type: 'image',
        mime_type: 'image/png',
        storage_key: carla.key,
        status: 'ready',
      })
      .execute();

    expect((await api('DELETE', `/contacts/${carla.contactId}`)).statusCode).toBe(200);
    await settleJobs(t.db, { names: ['attachments.remove_files'], failOnDead: true });
    expect(existsSync(fileOf(carla.key))).toBe(true);

    expect((await api('DELETE', `/contacts/${dani.contactId}`)).statusCode).toBe(200);
    await settleJobs(t.db, { names: ['attachments.remove_files'], failOnDead: true });
    expect(existsSync(fileOf(carla.key))).toBe(false);
    expect(existsSync(fileOf(dani.key))).toBe(false);
  });

  it('finds the person by the number typed by hand in either form; leaves unprocessed and other accounts’ webhooks', async () => {
    const someone = person();
    const processed = JSON.stringify({ note: 'processed, old form', recipient_id: someone.withoutNine });
    const unprocessed = JSON.stringify({ note: 'unprocessed', from: someone.withNine });
    const otherAccount = JSON.stringify({ note: 'other account', from: someone.withNine });
    const rows = [
      { body: processed, account_id: inbox.accountId, processed_at: new Date() },
      { body: unprocessed, account_id: inbox.accountId, processed_at: null },
      { body: otherAccount, account_id: inbox.accountId + 1000, processed_at: new Date() },
    ];
    const inserted = await t.db
      .insertInto('raw_webhooks')
      .values(rows.map((row, i) => ({ ...row, provider: 'whatsapp', body_sha256: `sha-${i}-${someone.withNine}` })))
      .returning('id')
      .execute();
    // The unprocessed row must go whatever happens: later tests wait for every stored webhook to be processed.
    try {
      const created = await t.inject({
        method: 'POST',
        url: `/api/v1/accounts/${inbox.accountId}/contacts`,
        headers: admin.tokenHeaders,
        payload: { name: 'Eva Typed', phone_number: `+${someone.withNine}` },
      });
      expect(created.statusCode).toBe(200);

      expect((await api('DELETE', `/contacts/${created.json().payload.contact.id}`)).statusCode).toBe(200);
      await settleJobs(t.db, { names: ['privacy.erase_person_data'], failOnDead: true });
      const after = await bodiesOf(inserted);
      expect(after.map((row) => row.body)).toEqual([ERASED_BODY, unprocessed, otherAccount]);
    } finally {
      await t.db
        .deleteFrom('raw_webhooks')
        .where(
          'id',
          'in',
          inserted.map((row) => row.id),
        )
        .execute();
    }
  });
});

describe('deleting an inbox', () => {
  it('removes the files of its conversations', async () => {
    const own = await createWhatsAppInbox(t);
    const previous = inbox;
    inbox = own;
    try {
      const fred = await writesAndSendsPhoto(person(), 'Fred Inbox');
      expect(existsSync(fileOf(fred.key))).toBe(true);
      expect((await api('DELETE', `/inboxes/${own.id}`)).statusCode).toBe(200);
      await settleJobs(t.db, { names: ['attachments.remove_files'], failOnDead: true });
      expect(existsSync(fileOf(fred.key))).toBe(false);
    } finally {
      inbox = previous;
    }
  });
});

describe('raw webhook retention', () => {
  it('prunes processed and unroutable webhooks and the settled webhook log past their retention, and plans the next day', async () => {
    const day = 24 * 60 * 60 * 1000;
    const old = new Date(Date.now() - 11 * day);
    const recent = new Date(Date.now() - 9 * day);
    const rows = [
      { tag: 'old-processed', received_at: old, processed_at: old, unroutable: false },
      { tag: 'old-failed', received_at: old, processed_at: old, unroutable: false, error: 'boom' },
      { tag: 'old-unroutable', received_at: old, processed_at: null, unroutable: true },
      { tag: 'old-unprocessed', received_at: old, processed_at: null, unroutable: false },
      { tag: 'recent-processed', received_at: recent, processed_at: recent, unroutable: false },
    ];
    const inserted = await t.db
      .insertInto('raw_webhooks')
      .values(
        rows.map(({ tag, ...row }) => ({
          ...row,
          provider: 'whatsapp',
          body_sha256: `retention-${tag}-${Date.now()}`,
          body: JSON.stringify({ tag }),
          account_id: inbox.accountId,
        })),
      )
      .returning(['id', 'body'])
      .execute();
    // A channel event recorded from the old webhook outlives it (its link is cleared).
    const oldId = inserted[0]?.id as number;
    await t.db
      .insertInto('channel_events')
      .values({ account_id: inbox.accountId, raw_webhook_id: oldId, kind: 'errors', payload: JSON.stringify({}) })
      .execute();

    // The outgoing webhook log: settled deliveries go after WEBHOOK_DELIVERY_RETENTION_DAYS (5 here).
    const logged = await t.db
      .insertInto('webhook_deliveries')
      .values(
        [
          { tag: 'old-delivered', status: 'delivered' as const, created_at: new Date(Date.now() - 6 * day) },
          { tag: 'old-failed', status: 'failed' as const, created_at: new Date(Date.now() - 6 * day) },
          { tag: 'old-pending', status: 'pending' as const, created_at: new Date(Date.now() - 6 * day) },
          { tag: 'recent-delivered', status: 'delivered' as const, created_at: new Date(Date.now() - 4 * day) },
        ].map(({ tag, ...row }) => ({
          ...row,
          account_id: inbox.accountId,
          webhook_id: webhookId,
          event: 'message_created',
          dedupe_key: `retention-${tag}-${Date.now()}`,
          delivery_id: `retention-${tag}-${Date.now()}`,
          payload: JSON.stringify({ tag }),
        })),
      )
      .returning('id')
      .execute();

    await t.app.jobs.enqueue('privacy.prune_expired', {});
    await settleJobs(t.db, { names: ['privacy.prune_expired'], failOnDead: true });

    const left = await bodiesOf(inserted);
    expect(left.map((row) => JSON.parse(row.body).tag)).toEqual(['old-unprocessed', 'recent-processed']);
    const logLeft = await t.db
      .selectFrom('webhook_deliveries')
      .select('payload')
      .where(
        'id',
        'in',
        logged.map((row) => row.id),
      )
      .orderBy('id')
      .execute();
    expect(logLeft.map((row) => JSON.parse(row.payload).tag)).toEqual(['old-pending', 'recent-delivered']);
    const event = await t.db
      .selectFrom('channel_events')
      .select('raw_webhook_id')
      .where('kind', '=', 'errors')
      .where('account_id', '=', inbox.accountId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(event.raw_webhook_id).toBeNull();

    const tomorrow = new Date(Date.now() + day).toISOString().slice(0, 10);
    const next = await t.db
      .selectFrom('jobs')
      .select(['status', 'run_at'])
      .where('idempotency_key', '=', `privacy:prune:${tomorrow}`)
      .executeTakeFirst();
    expect(next?.status).toBe('scheduled');
    expect(next?.run_at.getTime()).toBeGreaterThan(Date.now() + day - 60_000);
  });
});
