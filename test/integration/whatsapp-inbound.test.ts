import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesRepo, PENDING_STATUS_RETENTION_DAYS } from '../../src/inbox/messages.repo.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  createWhatsAppInbox,
  fixture,
  fixtureNames,
  messagePayload,
  postWebhook,
  type TestInbox,
  textPayload,
  waitForWebhooks,
} from '../helpers/whatsapp.js';

let t: TestApp;
let inbox: TestInbox;

beforeAll(async () => {
  t = await createTestApp();
  inbox = await createWhatsAppInbox(t);
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t.close();
});

const count = async (table: 'raw_webhooks' | 'messages' | 'contacts' | 'conversations') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const uniqueWamid = () => `wamid.test-${Math.random().toString(36).slice(2)}`;
const messageBySource = (wamid: string) =>
  t.db.selectFrom('messages').selectAll().where('source_id', '=', wamid).executeTakeFirstOrThrow();

describe('verification handshake (GET /webhooks/whatsapp)', () => {
  it('answers the challenge as plain text for the right verify token', async () => {
    const response = await t.inject({
      method: 'GET',
      url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${inbox.verifyToken}&hub.challenge=1158201444`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('1158201444');
    expect(response.headers['content-type']).toContain('text/plain');
    // The challenge is echoed: a browser opening this URL must not run it.
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('accepts the display number in the path', async () => {
    const response = await t.inject({
      method: 'GET',
      url: `/webhooks/whatsapp/${inbox.phoneNumber}?hub.mode=subscribe&hub.verify_token=${inbox.verifyToken}&hub.challenge=42`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('42');
  });

  it('answers 403 for a wrong token or mode', async () => {
    for (const query of [
      'hub.mode=subscribe&hub.verify_token=errado&hub.challenge=1',
      `hub.mode=unsubscribe&hub.verify_token=${inbox.verifyToken}&hub.challenge=1`,
      'hub.challenge=1',
    ]) {
      expect((await t.inject({ method: 'GET', url: `/webhooks/whatsapp?${query}` })).statusCode, query).toBe(403);
    }
  });
});

describe('signature (POST /webhooks/whatsapp)', () => {
  it('refuses a missing or wrong X-Hub-Signature-256 with 401 and stores nothing', async () => {
    const before = await count('raw_webhooks');
    const body = textPayload(inbox.phoneNumberId, { from: '5511987650001', wamid: uniqueWamid(), text: 'oi' });
    expect((await postWebhook(t, body, null)).statusCode).toBe(401);
    expect((await postWebhook(t, body, 'outro-segredo')).statusCode).toBe(401);
    expect(await count('raw_webhooks')).toBe(before);
  });

  it('verifies the raw bytes, so \\u escapes Meta sends are not re-serialised', async () => {
    const wamid = uniqueWamid();
    const raw = JSON.stringify(
      textPayload(inbox.phoneNumberId, { from: '5511987650002', wamid, text: 'Olá, tudo bem?' }),
    ).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(raw).toContain('Ol\\u00e1');
    const response = await postWebhook(t, raw, inbox.appSecret);
    expect(response.statusCode).toBe(200);
    // An answer to Meta's servers: no browser headers, but still no sniffing of its fixed JSON.
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBeUndefined();
    expect(response.json()).toEqual({ received: true });
    await waitForWebhooks(t);
    expect((await messageBySource(wamid)).content).toBe('Olá, tudo bem?');
  });
});

describe('incoming messages', () => {
  it('stores a text message: contact from the profile, conversation opened, 24-hour window from its time', async () => {
    const payload = fixture('pywa__message__text', inbox.phoneNumberId);
    const response = await postWebhook(t, payload, inbox.appSecret);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ received: true });
    await waitForWebhooks(t);
    const message = await messageBySource('wamid.xyzxyz');
    expect(message).toMatchObject({ message_type: 0, content_type: 'text', content: 'Body Text', status: 'received' });
    const conversation = await t.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', message.conversation_id)
      .executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({ status: 'open', inbox_id: inbox.id });
    expect(conversation.last_incoming_at?.getTime()).toBe(1697043223 * 1000);
    const contact = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', conversation.contact_id)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({
      name: 'Test Name',
      bsuid: 'US.13491208655302741918',
      phone_number: '+972987654321',
    });
    const contactInbox = await t.db
      .selectFrom('contact_inboxes')
      .selectAll()
      .where('id', '=', conversation.contact_inbox_id)
      .executeTakeFirstOrThrow();
    expect(contactInbox.source_id).toBe('972987654321');
  });

  it('makes one message of a redelivered payload and of the same wamid in another payload', async () => {
    const wamid = uniqueWamid();
    const body = textPayload(inbox.phoneNumberId, { from: '5511987650003', wamid, text: 'uma vez' });
    await postWebhook(t, body, inbox.appSecret);
    await postWebhook(t, body, inbox.appSecret);
    const other = textPayload(inbox.phoneNumberId, { from: '5511987650003', wamid, text: 'uma vez', timestamp: 1 });
    await postWebhook(t, other, inbox.appSecret);
    await waitForWebhooks(t);
    const rows = await t.db.selectFrom('messages').select('id').where('source_id', '=', wamid).execute();
    expect(rows).toHaveLength(1);
    const raws = await t.db.selectFrom('raw_webhooks').select('id').where('body', 'like', `%${wamid}%`).execute();
    expect(raws).toHaveLength(2);
  });

  it('finds the same contact and conversation for both forms of a Brazilian mobile', async () => {
    await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from: '5521987651234', wamid: uniqueWamid(), text: 'com nove' }),
      inbox.appSecret,
    );
    await waitForWebhooks(t);
    const secondWamid = uniqueWamid();
    await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from: '552187651234', wamid: secondWamid, text: 'sem nove' }),
      inbox.appSecret,
    );
    await waitForWebhooks(t);
    const contacts = await t.db.selectFrom('contacts').selectAll().where('phone_key', '=', '552187651234').execute();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.phone_number).toBe('+5521987651234');
    const conversations = await t.db
      .selectFrom('conversations')
      .selectAll()
      .where('contact_id', '=', contacts[0]?.id ?? 0)
      .execute();
    expect(conversations).toHaveLength(1);
    // Replies go to the wa_id the contact last wrote from, exactly as WhatsApp sent it.
    const replyTo = await t.db
      .selectFrom('contact_inboxes')
      .select('source_id')
      .where('id', '=', conversations[0]?.contact_inbox_id ?? 0)
      .executeTakeFirstOrThrow();
    expect(replyTo.source_id).toBe('552187651234');
  });

  it('reopens a resolved conversation when the contact writes again', async () => {
    const from = '5511987650004';
    await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from, wamid: uniqueWamid(), text: 'primeira' }),
      inbox.appSecret,
    );
    await waitForWebhooks(t);
    const contact = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('phone_key', '=', '551187650004')
      .executeTakeFirstOrThrow();
    await t.db.updateTable('conversations').set({ status: 'resolved' }).where('contact_id', '=', contact.id).execute();
    await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from, wamid: uniqueWamid(), text: 'voltei' }),
      inbox.appSecret,
    );
    await waitForWebhooks(t);
    const conversations = await t.db
      .selectFrom('conversations')
      .selectAll()
      .where('contact_id', '=', contact.id)
      .execute();
    expect(conversations.map((conversation) => conversation.status)).toEqual(['open']);
  });

  it('never overwrites a name an agent typed with the WhatsApp profile name', async () => {
    const from = '5511987650005';
    await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from, wamid: uniqueWamid(), text: 'a', name: 'Perfil' }),
      inbox.appSecret,
    );
    await waitForWebhooks(t);
    await t.db
      .updateTable('contacts')
      .set({ name: 'Maria (noiva)', name_source: 'agent' })
      .where('phone_key', '=', '551187650005')
      .execute();
    await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from, wamid: uniqueWamid(), text: 'b', name: 'Outro Perfil' }),
      inbox.appSecret,
    );
    await waitForWebhooks(t);
    const contact = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('phone_key', '=', '551187650005')
      .executeTakeFirstOrThrow();
    expect(contact.name).toBe('Maria (noiva)');
  });

  it('reads every message of a batched payload (100 messages in one POST)', async () => {
    const prefix = uniqueWamid();
    const base = messagePayload(inbox.phoneNumberId, { from: '5511987650006', message: {} });
    const value = base.entry[0]?.changes[0]?.value;
    if (!value) throw new Error('payload without value');
    value.messages = Array.from({ length: 100 }, (_, index) => ({
      from: '5511987650006',
      id: `${prefix}-${index}`,
      timestamp: String(1_700_000_000 + index),
      type: 'text',
      text: { body: `mensagem ${index}` },
    }));
    expect((await postWebhook(t, base, inbox.appSecret)).statusCode).toBe(200);
    await waitForWebhooks(t);
    const rows = await t.db.selectFrom('messages').select('id').where('source_id', 'like', `${prefix}-%`).execute();
    expect(rows).toHaveLength(100);
  });

  it('processes every shared WhatsApp fixture without error', async () => {
    for (const name of fixtureNames()) {
      const response = await postWebhook(t, fixture(name, inbox.phoneNumberId), inbox.appSecret);
      expect(response.statusCode, name).toBe(200);
    }
    await waitForWebhooks(t, 60_000);
    const failed = await t.db
      .selectFrom('raw_webhooks')
      .select(['id', 'error'])
      .where('error', 'is not', null)
      .execute();
    expect(failed).toEqual([]);
    const unsupported = await t.db
      .selectFrom('messages')
      .selectAll()
      .where('content_type', '=', 'unsupported')
      .execute();
    expect(unsupported.length).toBeGreaterThan(0);
    expect(unsupported.every((message) => message.content === 'mensagem não suportada')).toBe(true);
    const kinds = await t.db.selectFrom('channel_events').select('kind').distinct().execute();
    expect(kinds.map((row) => row.kind)).toEqual(
      expect.arrayContaining(['errors', 'template_status', 'user_preferences']),
    );
  });
});

describe('statuses', () => {
  async function outgoing(wamid: string) {
    const [conversation] = await t.db
      .selectFrom('conversations')
      .selectAll()
      .where('inbox_id', '=', inbox.id)
      .limit(1)
      .execute();
    if (!conversation) throw new Error('no conversation');
    return messagesRepo.insert(t.db, {
      accountId: 1,
      inboxId: inbox.id,
      conversationId: conversation.id,
      messageType: 1,
      contentType: 'text',
      content: 'resposta',
      contentAttributes: {},
      status: 'sent',
      sourceId: wamid,
      senderType: 'user',
      senderId: null,
      inReplyToSourceId: null,
      sentAt: new Date(),
    });
  }
  const statusPayload = (wamid: string, status: string, extra: Record<string, unknown> = {}) => {
    const payload = fixture('pywa__message_status__sent', inbox.phoneNumberId) as {
      entry: Array<{ changes: Array<{ value: { statuses: Array<Record<string, unknown>> } }> }>;
    };
    const statusItem = payload.entry[0]?.changes[0]?.value.statuses[0];
    Object.assign(statusItem ?? {}, { id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), ...extra });
    return payload;
  };

  it('only move forward: delivered after read leaves it read', async () => {
    const wamid = uniqueWamid();
    await outgoing(wamid);
    await postWebhook(t, statusPayload(wamid, 'read'), inbox.appSecret);
    await waitForWebhooks(t);
    await postWebhook(t, statusPayload(wamid, 'delivered'), inbox.appSecret);
    await waitForWebhooks(t);
    expect((await messageBySource(wamid)).status).toBe('read');
  });

  it('keep the error code, title and details of a failure', async () => {
    const wamid = uniqueWamid();
    await outgoing(wamid);
    const failed = fixture('pywa__message_status__failed', inbox.phoneNumberId) as {
      entry: Array<{ changes: Array<{ value: { statuses: Array<{ id: string }> } }> }>;
    };
    const item = failed.entry[0]?.changes[0]?.value.statuses[0];
    if (item) item.id = wamid;
    await postWebhook(t, failed, inbox.appSecret);
    await waitForWebhooks(t);
    expect(await messageBySource(wamid)).toMatchObject({
      status: 'failed',
      error_code: '130472',
      error_title: "User's number is part of an experiment",
      error_details: "Failed to send message because this user's phone number is part of an experiment",
    });
  });

  it('are kept for a message not known yet', async () => {
    const wamid = uniqueWamid();
    await postWebhook(t, statusPayload(wamid, 'delivered'), inbox.appSecret);
    await waitForWebhooks(t);
    const pending = await t.db.selectFrom('pending_statuses').selectAll().where('source_id', '=', wamid).execute();
    expect(pending.map((row) => row.status)).toEqual(['delivered']);
  });

  it('kept past the retention are dropped when another is kept', async () => {
    const stale = uniqueWamid();
    await postWebhook(t, statusPayload(stale, 'delivered'), inbox.appSecret);
    await waitForWebhooks(t);
    await t.db
      .updateTable('pending_statuses')
      .set({ created_at: new Date(Date.now() - (PENDING_STATUS_RETENTION_DAYS * 24 + 1) * 3_600_000) })
      .where('source_id', '=', stale)
      .execute();
    const fresh = uniqueWamid();
    await postWebhook(t, statusPayload(fresh, 'read'), inbox.appSecret);
    await waitForWebhooks(t);
    const kept = await t.db
      .selectFrom('pending_statuses')
      .select('source_id')
      .where('source_id', 'in', [stale, fresh])
      .execute();
    expect(kept).toEqual([{ source_id: fresh }]);
  });
});

describe('reactions', () => {
  it('shows a reaction on its target and removes it on un-reaction', async () => {
    const target = uniqueWamid();
    const from = '5511987650007';
    await postWebhook(t, textPayload(inbox.phoneNumberId, { from, wamid: target, text: 'alvo' }), inbox.appSecret);
    await waitForWebhooks(t);
    const reaction = (emoji: string | undefined) =>
      messagePayload(inbox.phoneNumberId, {
        from,
        message: {
          id: uniqueWamid(),
          type: 'reaction',
          reaction: { message_id: target, ...(emoji === undefined ? {} : { emoji }) },
        },
      });
    await postWebhook(t, reaction('👍'), inbox.appSecret);
    await waitForWebhooks(t);
    const rows = await t.db
      .selectFrom('message_reactions')
      .selectAll()
      .where('target_source_id', '=', target)
      .execute();
    expect(rows.map((row) => row.emoji)).toEqual(['👍']);
    await postWebhook(t, reaction(undefined), inbox.appSecret);
    await waitForWebhooks(t);
    expect(
      await t.db.selectFrom('message_reactions').selectAll().where('target_source_id', '=', target).execute(),
    ).toEqual([]);
    // A reaction is not a message of its own.
    expect(await t.db.selectFrom('messages').select('id').where('content_type', '=', 'reaction').execute()).toEqual([]);
  });
});

describe('bad deliveries', () => {
  it('stores a payload for a number no inbox owns as unroutable and answers 200', async () => {
    const response = await postWebhook(
      t,
      textPayload('999000999', { from: '5511900000001', wamid: uniqueWamid(), text: 'x' }),
      inbox.appSecret,
    );
    expect(response.statusCode).toBe(200);
    const raw = await t.db.selectFrom('raw_webhooks').selectAll().where('unroutable', '=', true).execute();
    expect(raw.length).toBeGreaterThan(0);
  });

  it('answers 400 to signed non-JSON and 422 to JSON that is not a WhatsApp payload', async () => {
    expect((await postWebhook(t, '{nope', inbox.appSecret)).statusCode).toBe(400);
    const notWhatsApp = await postWebhook(t, { hello: 'world' }, inbox.appSecret);
    expect(notWhatsApp.statusCode).toBe(422);
    expect(notWhatsApp.json().error).toBe('unprocessable');
  });

  it('answers 413 to a 3 MB body', async () => {
    const big = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [] }],
      pad: 'x'.repeat(3 * 1024 * 1024),
    });
    const response = await postWebhook(t, big, inbox.appSecret);
    expect(response.statusCode).toBe(413);
  });
});

describe('counts', () => {
  it('keeps one contact per person after all of the above', async () => {
    const perKey = await t.db
      .selectFrom('contacts')
      .select(['phone_key', (eb) => eb.fn.countAll<number>().as('n')])
      .where('phone_key', 'is not', null)
      .groupBy('phone_key')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(perKey).toEqual([]);
    expect(await count('contacts')).toBeGreaterThan(0);
  });
});
