import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppInboundService } from '../../src/channels/whatsapp/inbound.service.js';
import { createWebhookProcessor } from '../../src/channels/whatsapp/webhook-processing.js';
import type { AccountEvent } from '../../src/realtime/event-bus.js';
import { normalizePhone } from '../../src/shared/phone.js';
import { eventually } from '../helpers/eventually.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload } from '../helpers/whatsapp.js';

// The worker never starts here: each test stores its deliveries, then hands them to one processor in the
// same turn of the event loop, so they are applied as one batch (one transaction).
let t: TestApp;
let inbox: TestInbox;
let processor: ReturnType<typeof createWebhookProcessor>;
const published: AccountEvent[] = [];
const run = Math.random().toString(36).slice(2, 8);
let phones = 0;

beforeAll(async () => {
  t = await createTestApp();
  inbox = await createWhatsAppInbox(t);
  const inbound = createWhatsAppInboundService({
    db: t.db,
    inboxes: t.app.services.inboxes,
    jobs: t.app.jobs,
    events: t.app.events,
    logger: t.app.logger,
    businessEvents: t.app.services.businessEvents,
  });
  processor = createWebhookProcessor({ db: t.db, inboxes: t.app.services.inboxes, inbound, metrics: t.app.metrics });
  t.app.events.subscribe((event) => published.push(event));
});
afterAll(async () => {
  await t.close();
});

// A block of 1,000 numbers per call, a random one in it: two calls never give the same person (steps of 13
// plus a random 0–999 collided about once in a thousand pairs, and a test then saw another test's messages).
const newPhone = () => `55119${83_000_000 + phones++ * 1_000 + Math.floor(Math.random() * 1_000)}`;

interface Delivery {
  from: string;
  wamid: string;
  text?: string;
  timestamp?: number;
}

/** Stores the deliveries (as the route does) and applies them all in one batch; returns their raw ids. */
async function processAsOneBatch(deliveries: Delivery[]): Promise<void> {
  const before = await t.db
    .selectFrom('raw_webhooks')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  for (const [index, delivery] of deliveries.entries()) {
    const body = textPayload(inbox.phoneNumberId, {
      from: delivery.from,
      wamid: delivery.wamid,
      text: delivery.text ?? `mensagem ${index} ${delivery.wamid}`,
      timestamp: delivery.timestamp,
    });
    const response = await postWebhook(t, body, inbox.appSecret);
    expect(response.statusCode).toBe(200);
  }
  const raws = await t.db
    .selectFrom('raw_webhooks')
    .select('id')
    .where('id', '>', Number(before?.id ?? 0))
    .orderBy('id')
    .execute();
  expect(raws).toHaveLength(deliveries.length);
  const outcomes = await Promise.all(raws.map((raw) => processor.process(raw.id)));
  expect(outcomes).toEqual(raws.map(() => 'done'));
}

/** The incoming messages of the contact who writes from `from`, oldest id first. */
async function messagesOf(from: string) {
  return t.db
    .selectFrom('messages')
    .innerJoin('contact_inboxes', 'contact_inboxes.contact_id', 'messages.sender_id')
    .select(['messages.id', 'messages.source_id', 'messages.conversation_id'])
    .where('contact_inboxes.inbox_id', '=', inbox.id)
    .where('contact_inboxes.source_id', '=', from)
    .where('messages.inbox_id', '=', inbox.id)
    .where('messages.sender_type', '=', 'contact')
    .orderBy('messages.id')
    .execute();
}

async function conversationOf(from: string) {
  const [message] = await messagesOf(from);
  if (!message) throw new Error(`no message from ${from}`);
  return t.db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', message.conversation_id)
    .executeTakeFirstOrThrow();
}

describe('WhatsApp inbound: a batch of webhooks', () => {
  it('applies known and new senders mixed in one batch, each message in its own contact’s conversation', async () => {
    const known = newPhone();
    await processAsOneBatch([{ from: known, wamid: `wamid.mix-${run}-0` }]);
    const [first, second] = [newPhone(), newPhone()];
    await processAsOneBatch([
      { from: known, wamid: `wamid.mix-${run}-1` },
      { from: first, wamid: `wamid.mix-${run}-2` },
      { from: known, wamid: `wamid.mix-${run}-3` },
      { from: second, wamid: `wamid.mix-${run}-4` },
      { from: first, wamid: `wamid.mix-${run}-5` },
    ]);

    const ofKnown = await messagesOf(known);
    expect(ofKnown.map((row) => row.source_id)).toEqual([0, 1, 3].map((i) => `wamid.mix-${run}-${i}`));
    expect(new Set(ofKnown.map((row) => row.conversation_id)).size).toBe(1);
    const ofFirst = await messagesOf(first);
    expect(ofFirst.map((row) => row.source_id)).toEqual([2, 5].map((i) => `wamid.mix-${run}-${i}`));
    expect(new Set(ofFirst.map((row) => row.conversation_id)).size).toBe(1);
    expect((await messagesOf(second)).map((row) => row.source_id)).toEqual([`wamid.mix-${run}-4`]);
    const conversations = new Set([ofKnown, ofFirst, await messagesOf(second)].map((rows) => rows[0]?.conversation_id));
    expect(conversations.size).toBe(3);
  });

  it('resolves new senders together: both forms of a number are one person, a contact typed by hand is found', async () => {
    const mobile = newPhone();
    const withoutNine = `${mobile.slice(0, 4)}${mobile.slice(5)}`;
    const typed = newPhone();
    const typedContact = await t.db
      .insertInto('contacts')
      .values({
        account_id: 1,
        name: `Cadastrada à mão ${run}`,
        name_source: 'agent',
        phone_number: `+${typed}`,
        phone_key: normalizePhone(typed)?.key ?? null,
        custom_attributes: '{}',
        additional_attributes: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    published.length = 0;
    await processAsOneBatch([
      { from: mobile, wamid: `wamid.new-${run}-0` },
      { from: typed, wamid: `wamid.new-${run}-1` },
      { from: withoutNine, wamid: `wamid.new-${run}-2` },
      { from: mobile, wamid: `wamid.new-${run}-3` },
    ]);

    const person = await conversationOf(mobile);
    // Both forms write as the same contact, into one conversation.
    const ofPerson = await messagesOf(mobile);
    expect(ofPerson.map((row) => row.source_id)).toEqual([0, 2, 3].map((i) => `wamid.new-${run}-${i}`));
    expect(new Set(ofPerson.map((row) => row.conversation_id))).toEqual(new Set([person.id]));
    expect((await messagesOf(withoutNine)).map((row) => row.id)).toEqual(ofPerson.map((row) => row.id));
    const people = await t.db
      .selectFrom('contacts')
      .select('id')
      .where('account_id', '=', 1)
      .where('phone_key', '=', normalizePhone(mobile)?.key ?? '')
      .execute();
    expect(people).toEqual([{ id: person.contact_id }]);
    expect(person).toMatchObject({ status: 'open', assignee_id: null });
    expect(person.waiting_since).not.toBeNull();
    expect(person.last_incoming_at).not.toBeNull();

    const typedConversation = await conversationOf(typed);
    expect(typedConversation.contact_id).toBe(typedContact.id);
    const typedName = await t.db
      .selectFrom('contacts')
      .select('name')
      .where('id', '=', typedContact.id)
      .executeTakeFirstOrThrow();
    expect(typedName.name).toBe(`Cadastrada à mão ${run}`);
    // Display ids in the order the people first wrote, one each.
    expect(typedConversation.display_id).toBe(person.display_id + 1);

    // Only this test's people and conversations: an earlier test's events may still be arriving.
    const ours = new Set<unknown>([person.id, typedConversation.id]);
    const named = (name: string, key: string, within: Set<unknown>) =>
      published.filter((event) => event.name === name && within.has(event.data[key]));
    // On PostgreSQL the events come back through Redis: wait for the last ones (they keep their order).
    await eventually(() => named('message.created', 'conversation_id', ours).length >= 4);
    expect(named('message.created', 'conversation_id', ours)).toHaveLength(4);
    const contactIds = new Set<unknown>([person.contact_id, typedContact.id]);
    expect(named('contact.created', 'id', contactIds).map((event) => event.data.id)).toEqual([person.contact_id]);
    expect(named('conversation.created', 'id', ours).map((event) => event.data.id)).toEqual([
      person.id,
      typedConversation.id,
    ]);
  });

  it('keeps a sender’s order: two messages in one batch get ids in arrival order, the window the latest time', async () => {
    const from = newPhone();
    await processAsOneBatch([{ from, wamid: `wamid.order-${run}-0` }]);
    const base = Math.floor(Date.now() / 1000);
    // WhatsApp's timestamps need not follow the delivery order: the later one arrives first here.
    await processAsOneBatch([
      { from, wamid: `wamid.order-${run}-1`, timestamp: base + 60 },
      { from, wamid: `wamid.order-${run}-2`, timestamp: base + 30 },
    ]);
    const rows = await messagesOf(from);
    expect(rows.map((row) => row.source_id)).toEqual([0, 1, 2].map((i) => `wamid.order-${run}-${i}`));
    const conversation = await conversationOf(from);
    expect(conversation.last_incoming_at?.getTime()).toBe((base + 60) * 1000);
    expect(conversation.last_activity_at.getTime()).toBe((base + 60) * 1000);
  });

  it('stores a wamid delivered twice in one batch (and one stored before) once', async () => {
    const from = newPhone();
    await processAsOneBatch([{ from, wamid: `wamid.dup-${run}-0` }]);
    await processAsOneBatch([
      { from, wamid: `wamid.dup-${run}-1`, text: 'primeira entrega' },
      { from, wamid: `wamid.dup-${run}-0`, text: 'entregue de novo, outro corpo' },
      { from, wamid: `wamid.dup-${run}-1`, text: 'segunda entrega, outro corpo' },
    ]);
    const rows = await messagesOf(from);
    expect(rows.map((row) => row.source_id)).toEqual([`wamid.dup-${run}-0`, `wamid.dup-${run}-1`]);
    const content = await t.db
      .selectFrom('messages')
      .select('content')
      .where('source_id', '=', `wamid.dup-${run}-1`)
      .executeTakeFirstOrThrow();
    expect(content.content).toBe('primeira entrega');
  });

  it('reopens a resolved conversation once, announcing the change once, and starts the wait again', async () => {
    const from = newPhone();
    await processAsOneBatch([{ from, wamid: `wamid.reopen-${run}-0` }]);
    const resolved = await conversationOf(from);
    await t.db
      .updateTable('conversations')
      .set({ status: 'resolved', waiting_since: null })
      .where('id', '=', resolved.id)
      .execute();
    published.length = 0;
    await processAsOneBatch([
      { from, wamid: `wamid.reopen-${run}-1` },
      { from, wamid: `wamid.reopen-${run}-2` },
    ]);
    const reopened = await conversationOf(from);
    expect(reopened.id).toBe(resolved.id);
    expect(reopened.status).toBe('open');
    expect(reopened.waiting_since).not.toBeNull();
    // On PostgreSQL the events come back through Redis: wait for the last ones (they keep their order).
    const created = await eventually(() => {
      const messages = published.filter(
        (event) => event.name === 'message.created' && event.data.conversation_id === resolved.id,
      );
      return messages.length >= 2 && messages;
    });
    expect(created).toHaveLength(2);
    const changes = published.filter(
      (event) => event.name === 'conversation.status_changed' && event.data.id === resolved.id,
    );
    expect(changes.map((event) => event.data.status)).toEqual(['open']);
  });

  it('still gives an unassigned conversation to an available agent when its contact writes again', async () => {
    const from = newPhone();
    await t.db.updateTable('inboxes').set({ enable_auto_assignment: false }).where('id', '=', inbox.id).execute();
    await processAsOneBatch([{ from, wamid: `wamid.assign-${run}-0` }]);
    expect((await conversationOf(from)).assignee_id).toBeNull();

    await t.db.updateTable('inboxes').set({ enable_auto_assignment: true }).where('id', '=', inbox.id).execute();
    const user = await t.app.services.users.createUser({
      name: 'Rita',
      email: `rita-${run}@example.com`,
      passwordHash: 'x',
    });
    await t.app.services.users.addMembership({
      accountId: 1,
      userId: user.id,
      role: 'agent',
      availability: 'available',
    });
    await t.db.insertInto('inbox_members').values({ inbox_id: inbox.id, user_id: user.id, account_id: 1 }).execute();
    try {
      await processAsOneBatch([{ from, wamid: `wamid.assign-${run}-1` }]);
      expect((await conversationOf(from)).assignee_id).toBe(user.id);
    } finally {
      await t.db.deleteFrom('inbox_members').where('user_id', '=', user.id).execute();
    }
  });

  it('runs a job of several webhooks: one that fails fails the job, and its retry runs only what is left', async () => {
    const from = newPhone();
    const job = t.app.jobs.definition('whatsapp.process_webhook');
    const context = (attempt: number) => ({
      jobId: 0,
      attempt,
      maxAttempts: 10,
      signal: new AbortController().signal,
      logger: t.app.logger,
    });
    const stored = async (wamid: string) => {
      const response = await postWebhook(
        t,
        textPayload(inbox.phoneNumberId, { from, wamid, text: wamid }),
        inbox.appSecret,
      );
      expect(response.statusCode).toBe(200);
      return t.db.selectFrom('raw_webhooks').select('id').where('body', 'like', `%${wamid}%`).executeTakeFirstOrThrow();
    };
    const first = await stored(`wamid.job-${run}-0`);
    // A body the job cannot read (stored before a bug fix, say): only that webhook must fail.
    const broken = await t.db
      .insertInto('raw_webhooks')
      .values({
        provider: 'whatsapp',
        body_sha256: `broken-${run}`,
        body: JSON.stringify({ object: 'whatsapp_business_account', entry: 'x' }),
        inbox_id: inbox.id,
        account_id: 1,
        unroutable: false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const last = await stored(`wamid.job-${run}-2`);
    const payload = { rawWebhookIds: [first.id, broken.id, last.id] };

    await expect(job.handler(payload, context(1))).rejects.toThrow(
      new RegExp(`1 of 3 webhook\\(s\\) failed \\(raw webhooks ${broken.id}\\)`),
    );
    expect((await messagesOf(from)).map((row) => row.source_id)).toEqual([`wamid.job-${run}-0`, `wamid.job-${run}-2`]);
    const processedAt = async () =>
      (
        await t.db
          .selectFrom('raw_webhooks')
          .select(['id', 'processed_at'])
          .where('id', 'in', payload.rawWebhookIds)
          .orderBy('id')
          .execute()
      ).map((row) => row.processed_at?.getTime() ?? null);
    const before = await processedAt();
    expect(before.map((at) => at !== null)).toEqual([true, false, true]);

    // Fixed meanwhile: the retry processes the one left and leaves the others as they were.
    await t.db
      .updateTable('raw_webhooks')
      .set({
        body: JSON.stringify(
          textPayload(inbox.phoneNumberId, { from, wamid: `wamid.job-${run}-1`, text: 'consertada' }),
        ),
      })
      .where('id', '=', broken.id)
      .execute();
    await expect(job.handler(payload, context(2))).resolves.toBe('done');
    const after = await processedAt();
    expect([after[0], after[2]]).toEqual([before[0], before[2]]);
    expect(after[1]).not.toBeNull();
    expect((await messagesOf(from)).map((row) => row.source_id).sort()).toEqual(
      [0, 1, 2].map((n) => `wamid.job-${run}-${n}`),
    );
  });
});
