import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/transaction.js';
import type { AccountEvent } from '../../src/realtime/event-bus.js';
import { sleep } from '../../src/shared/clock.js';
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

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
let otherAccountId: number;
const published: AccountEvent[] = [];

const UNAVAILABLE = 'Essa oferta não está mais disponível.';
const FILLED = 'Obrigado! Essa vaga já foi preenchida.';

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  otherAccountId = (await t.app.services.users.createAccount('Outra empresa')).id;
  t.app.events.subscribe((event) => published.push(event));
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

type Method = 'GET' | 'POST' | 'PATCH';
const api = (method: Method, url: string, payload?: unknown) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers: admin.tokenHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

let sequence = 0;
const unique = (prefix: string) => `${prefix} ${process.pid}-${++sequence}`;
/** A Brazilian mobile (wa_id digits) nobody else in this run uses. */
const mobile = () => `55319${String(10_000_000 + ((process.pid * 7919 + ++sequence * 104_729) % 89_999_999))}`;

/** Waits until no job is waiting or running (listeners, deliveries, sends). */
async function settle(timeoutMs = 15_000) {
  await settleJobs(t.db, { timeoutMs });
}

async function serviceType(name = 'Garçom') {
  return t.db
    .insertInto('service_types')
    .values({ account_id: 1, name: unique(name) })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

interface Provider {
  id: number;
  contactId: number;
  name: string;
  phone: string;
}

async function provider(
  serviceIds: number[],
  options: { regions?: string[]; active?: boolean; rating?: number } = {},
): Promise<Provider> {
  const phone = mobile();
  const name = unique('Prestador');
  const response = await api('POST', '/providers', {
    name,
    phone_number: `+${phone}`,
    services: serviceIds,
    regions: options.regions ?? [],
    active: options.active ?? true,
  });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json();
  if (options.rating !== undefined) {
    await t.db
      .updateTable('providers')
      .set({ rating: String(options.rating) })
      .where('id', '=', body.id)
      .execute();
  }
  return { id: body.id, contactId: body.contact_id, name, phone };
}

async function client() {
  const response = await api('POST', '/clients', { name: unique('Cliente'), phone_number: `+${mobile()}` });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: number; contact_id: number };
}

// Each event gets its own day, so tests never collide on a provider's calendar by accident.
let day = 0;
function slot() {
  day++;
  const start = new Date(Date.UTC(2031, 0, 1, 22, 0) + day * 86_400_000);
  return { starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 4 * 3_600_000).toISOString() };
}

async function bookEvent(staffing: Array<{ service: number; quantity: number }>, extra: Record<string, unknown> = {}) {
  const response = await api('POST', '/events', {
    title: unique('Festa'),
    client_id: (await client()).id,
    location: { address: 'Rua das Flores', number: '10', city: 'São Paulo', state: 'SP' },
    staffing,
    ...slot(),
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as {
    id: number;
    title: string;
    starts_at: string;
    ends_at: string;
    client: { contact_id: number };
  };
}

interface OfferView {
  assignment_id: number;
  provider_id: number;
  status: string;
  expires_at: string;
  response_source: string | null;
}

async function startDispatch(eventId: number, body: Record<string, unknown>) {
  const response = await api('POST', `/events/${eventId}/dispatch`, body);
  expect(response.statusCode, response.body).toBe(201);
  await settle();
  return response.json() as { id: number; status: string; offers: OfferView[] };
}

async function dispatchView(id: number) {
  const response = await api('GET', `/dispatches/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { id: number; status: string; offers: OfferView[] };
}

const offerOf = async (dispatchId: number, providerId: number) => {
  const offer = (await dispatchView(dispatchId)).offers.find((candidate) => candidate.provider_id === providerId);
  if (!offer) throw new Error(`no offer for provider ${providerId}`);
  return offer;
};

const tokenOf = async (assignmentId: number) =>
  (await t.db.selectFrom('assignments').select('offer_token').where('id', '=', assignmentId).executeTakeFirstOrThrow())
    .offer_token as string;

let wamids = 0;
/** The provider taps a reply button (its id as the offer message carried it, or forged). */
async function tap(from: string, buttonId: string, title = 'Aceitar') {
  const payload = messagePayload(inbox.phoneNumberId, {
    from,
    name: 'Prestador',
    message: {
      id: `wamid.dispatch-${process.pid}-${++wamids}`,
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: buttonId, title } },
    },
  });
  expect((await postWebhook(t, payload, inbox.appSecret)).statusCode).toBe(200);
  await waitForWebhooks(t);
  await settle();
}

async function say(from: string, text: string) {
  const wamid = `wamid.dispatch-${process.pid}-${++wamids}`;
  const payload = textPayload(inbox.phoneNumberId, { from, wamid, text, name: 'Prestador' });
  expect((await postWebhook(t, payload, inbox.appSecret)).statusCode).toBe(200);
  await waitForWebhooks(t);
  await settle();
  return t.db
    .selectFrom('messages')
    .select(['id', 'conversation_id'])
    .where('source_id', '=', wamid)
    .executeTakeFirstOrThrow();
}

const answer = async (p: Provider, assignmentId: number, outcome: 'accept' | 'decline') =>
  tap(
    p.phone,
    `offer:${assignmentId}:${await tokenOf(assignmentId)}:${outcome}`,
    outcome === 'accept' ? 'Aceitar' : 'Recusar',
  );

interface Said {
  text?: string | null;
  interactive?: { body: string; buttons: Array<{ id: string; title: string }> } | null;
}
/** What a notification says: the content scheduled, or (once delivered) what was rendered from it. */
function said(rendered: unknown): Said {
  const value = (rendered ?? {}) as Said & { content?: Said };
  return { text: value.content?.text ?? value.text, interactive: value.content?.interactive ?? value.interactive };
}

/** What the provider was told about this offer (kind offer_reply), by key suffix. */
async function repliesTo(contactId: number) {
  const rows = await t.db
    .selectFrom('notifications')
    .select(['key', 'rendered', 'assignment_id'])
    .where('contact_id', '=', contactId)
    .where('kind', '=', 'offer_reply')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    key: row.key,
    assignmentId: row.assignment_id,
    text: said(row.rendered).text ?? null,
  }));
}

async function privateNotes(conversationId: number) {
  return t.db
    .selectFrom('messages')
    .select(['content'])
    .where('conversation_id', '=', conversationId)
    .where('private', '=', true)
    .orderBy('id')
    .execute();
}

describe('choosing candidates automatically', () => {
  it('offers only active providers of the service, in the region, free at that time and not asked before', async () => {
    const garcom = await serviceType();
    const other = await serviceType('DJ');
    const inRegion = await provider([garcom.id], { regions: ['sao paulo'] });
    const anywhere = await provider([garcom.id]);
    const inactive = await provider([garcom.id], { active: false });
    const wrongService = await provider([other.id]);
    const elsewhere = await provider([garcom.id], { regions: ['Campinas'] });
    const busy = await provider([garcom.id]);
    const askedBefore = await provider([garcom.id]);

    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    // Booked on another event overlapping this one.
    const overlapping = await bookEvent([{ service: garcom.id, quantity: 1 }], {
      starts_at: event.starts_at,
      ends_at: event.ends_at,
    });
    const assigned = await api('POST', `/events/${overlapping.id}/assignments`, {
      provider_id: busy.id,
      service: garcom.id,
    });
    expect(assigned.statusCode, assigned.body).toBe(201);
    // Already declined an offer for this event and service.
    await t.db
      .insertInto('assignments')
      .values({
        account_id: 1,
        event_id: event.id,
        provider_id: askedBefore.id,
        service_type_id: garcom.id,
        status: 'declined',
        starts_at: new Date(event.starts_at),
        ends_at: new Date(event.ends_at),
        offer_token: 'old-offer-token',
      })
      .execute();

    const dispatch = await startDispatch(event.id, { service: garcom.name, strategy: 'broadcast', fanout: 20 });
    expect(dispatch.status).toBe('running');
    expect(dispatch.offers.map((offer) => offer.provider_id).sort((a, b) => a - b)).toEqual(
      [inRegion.id, anywhere.id].sort((a, b) => a - b),
    );
    for (const excluded of [inactive, wrongService, elsewhere, busy, askedBefore]) {
      expect(dispatch.offers.some((offer) => offer.provider_id === excluded.id)).toBe(false);
    }
  });

  it('ranks by past acceptance rate, then rating, offering the best first when sequential', async () => {
    const garcom = await serviceType();
    const reliable = await provider([garcom.id], { rating: 3 });
    const fiftyFifty = await provider([garcom.id], { rating: 5 });
    const newcomer = await provider([garcom.id], { rating: 4.5 });
    const flaky = await provider([garcom.id], { rating: 5 });
    const history = await bookEvent([{ service: garcom.id, quantity: 10 }]);
    const past = (providerId: number, status: 'accepted' | 'declined' | 'expired') =>
      t.db
        .insertInto('assignments')
        .values({
          account_id: 1,
          event_id: history.id,
          provider_id: providerId,
          service_type_id: garcom.id,
          status,
          starts_at: new Date('2020-01-01T20:00:00Z'),
          ends_at: new Date('2020-01-01T23:00:00Z'),
          offer_token: `history-${providerId}-${status}-${++sequence}`,
        })
        .execute();
    await past(reliable.id, 'accepted');
    await past(reliable.id, 'accepted');
    await past(fiftyFifty.id, 'accepted');
    await past(fiftyFifty.id, 'declined');
    await past(flaky.id, 'expired');
    await past(flaky.id, 'declined');
    await past(flaky.id, 'accepted');

    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, { service: garcom.id, strategy: 'sequential' });
    const order = [dispatch.offers.map((offer) => offer.provider_id)];
    // Each decline moves to the next in rank: 100%, then 50% rated 5, then the newcomer (counted as 50%, rated 4.5), then 33%.
    for (const who of [reliable, fiftyFifty, newcomer]) {
      const open = await offerOf(dispatch.id, who.id);
      await answer(who, open.assignment_id, 'decline');
      order.push(
        (await dispatchView(dispatch.id)).offers
          .filter((offer) => offer.status === 'offered')
          .map((o) => o.provider_id),
      );
    }
    expect(order).toEqual([[reliable.id], [fiftyFifty.id], [newcomer.id], [flaky.id]]);
  });
});

describe('an offer', () => {
  it('reaches the provider as an essential notification with Aceitar / Recusar carrying its token', async () => {
    const garcom = await serviceType();
    const only = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, { service: garcom.id, strategy: 'sequential', pay_cents: 25_000 });
    const [offer] = dispatch.offers;
    if (!offer) throw new Error('no offer');
    const notification = await t.db
      .selectFrom('notifications')
      .selectAll()
      .where('key', '=', `offer:${offer.assignment_id}`)
      .executeTakeFirstOrThrow();
    expect(notification).toMatchObject({
      kind: 'offer',
      essential: true,
      contact_id: only.contactId,
      event_id: event.id,
      assignment_id: offer.assignment_id,
      dispatch_id: dispatch.id,
    });
    const interactive = said(notification.rendered).interactive;
    if (!interactive) throw new Error('the offer has no reply buttons');
    const token = await tokenOf(offer.assignment_id);
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(interactive.buttons).toEqual([
      { id: `offer:${offer.assignment_id}:${token}:accept`, title: 'Aceitar' },
      { id: `offer:${offer.assignment_id}:${token}:decline`, title: 'Recusar' },
    ]);
    expect(interactive.body).toContain(`${event.title}, `);
    expect(interactive.body).toContain('Rua das Flores, 10 - São Paulo/SP, ');
    expect(interactive.body).toContain(`${garcom.name}, R$ 250,00`);
    const expiry = await t.db
      .selectFrom('jobs')
      .select(['name', 'status', 'run_at'])
      .where('idempotency_key', '=', `offer-expiry:${offer.assignment_id}`)
      .executeTakeFirstOrThrow();
    expect(expiry.status).toBe('scheduled');
    expect(expiry.run_at.getTime()).toBe(new Date(offer.expires_at).getTime());
  });
});

describe('broadcast', () => {
  it('lets the first to accept win, withdraws the others politely and completes the dispatch', async () => {
    const garcom = await serviceType();
    const [first, second, third] = [
      await provider([garcom.id]),
      await provider([garcom.id]),
      await provider([garcom.id]),
    ] as [Provider, Provider, Provider];
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, { service: garcom.id, strategy: 'broadcast' });
    expect(dispatch.offers).toHaveLength(3);

    const winner = await offerOf(dispatch.id, second.id);
    const before = published.length;
    await answer(second, winner.assignment_id, 'accept');

    const after = await dispatchView(dispatch.id);
    expect(after.status).toBe('completed');
    expect(after.offers.find((offer) => offer.provider_id === second.id)).toMatchObject({
      status: 'accepted',
      response_source: 'button',
    });
    for (const loser of [first, third]) {
      const offer = after.offers.find((candidate) => candidate.provider_id === loser.id);
      expect(offer?.status).toBe('withdrawn');
      expect((await repliesTo(loser.contactId)).map((reply) => reply.key)).toEqual([
        `offer-reply:${offer?.assignment_id}:withdrawn`,
      ]);
    }
    const [confirmation] = await repliesTo(second.contactId);
    expect(confirmation?.key).toBe(`offer-reply:${winner.assignment_id}:accepted`);
    expect(confirmation?.text).toContain(`Confirmado! Você está na escala de ${garcom.name} em "${event.title}"`);

    // Published after commit (through Redis on PostgreSQL): wait for the last of them.
    const live = await eventually(() => {
      const seen = published.slice(before);
      return seen.some((item) => item.name === 'dispatch.updated' && item.data.status === 'completed') && seen;
    });
    expect(live).toContainEqual(
      expect.objectContaining({
        name: 'assignment.updated',
        data: expect.objectContaining({ id: winner.assignment_id, event_id: event.id, status: 'accepted' }),
      }),
    );
    expect(live).toContainEqual(
      expect.objectContaining({ name: 'dispatch.updated', data: expect.objectContaining({ status: 'completed' }) }),
    );
    const staffing = (await api('GET', `/events/${event.id}`)).json().staffing;
    expect(staffing).toEqual([expect.objectContaining({ quantity: 1, filled: 1 })]);
  });

  it('gives the last place to exactly one of two providers accepting at the same instant', async () => {
    const garcom = await serviceType();
    const a = await provider([garcom.id]);
    const b = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, { service: garcom.id, strategy: 'broadcast' });
    const reply = async (who: Provider, messageId: number) => {
      const offer = await offerOf(dispatch.id, who.id);
      return t.app.services.dispatch.answerOffer({
        accountId: 1,
        assignmentId: offer.assignment_id,
        token: await tokenOf(offer.assignment_id),
        outcome: 'accept',
        contactId: who.contactId,
        source: 'button',
        messageId,
      });
    };
    const [offerA, offerB] = [await offerOf(dispatch.id, a.id), await offerOf(dispatch.id, b.id)];
    const results = await Promise.all([reply(a, offerA.assignment_id), reply(b, offerB.assignment_id)]);
    expect([...results].sort()).toEqual(['accepted', 'filled']);
    await settle();
    const statuses = (await dispatchView(dispatch.id)).offers.map((offer) => offer.status).sort();
    expect(statuses).toEqual(['accepted', 'withdrawn']);
    const loser = results[0] === 'accepted' ? b : a;
    expect((await repliesTo(loser.contactId)).map((r) => r.text)).toContain(FILLED);
  });

  it('withdraws an acceptance when a manager filled the place meanwhile', async () => {
    const garcom = await serviceType();
    const late = await provider([garcom.id]);
    const other = await provider([garcom.id]);
    const manual = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'broadcast',
      candidates: [late.id, other.id],
    });
    const assigned = await api('POST', `/events/${event.id}/assignments`, {
      provider_id: manual.id,
      service: garcom.id,
    });
    expect(assigned.statusCode, assigned.body).toBe(201);

    const offer = await offerOf(dispatch.id, late.id);
    await answer(late, offer.assignment_id, 'accept');
    expect((await offerOf(dispatch.id, late.id)).status).toBe('withdrawn');
    expect((await repliesTo(late.contactId)).map((r) => r.text)).toContain(FILLED);
    const after = await dispatchView(dispatch.id);
    expect(after.status).toBe('completed');
    expect(after.offers.every((candidate) => candidate.status === 'withdrawn')).toBe(true);
  });
});

describe('sequential', () => {
  it('moves to the next candidate when the offered one declines', async () => {
    const garcom = await serviceType();
    const first = await provider([garcom.id]);
    const second = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'sequential',
      candidates: [first.id, second.id],
    });
    expect(dispatch.offers.map((offer) => offer.provider_id)).toEqual([first.id]);

    await answer(first, (dispatch.offers[0] as OfferView).assignment_id, 'decline');
    const after = await dispatchView(dispatch.id);
    expect(after.offers.map((offer) => [offer.provider_id, offer.status, offer.response_source])).toEqual([
      [first.id, 'declined', 'button'],
      [second.id, 'offered', null],
    ]);
    expect((await repliesTo(first.contactId)).map((r) => r.key)).toContain(
      `offer-reply:${(dispatch.offers[0] as OfferView).assignment_id}:declined`,
    );
  });

  it('tells the provider still asked when the event moves; the offer stands', async () => {
    const garcom = await serviceType();
    const asked = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'sequential',
      candidates: [asked.id],
    });
    const offerId = (dispatch.offers[0] as OfferView).assignment_id;
    const later = new Date(new Date(event.starts_at).getTime() + 2 * 60 * 60_000);
    const moved = await api('PATCH', `/events/${event.id}`, {
      starts_at: later.toISOString(),
      ends_at: new Date(later.getTime() + 4 * 60 * 60_000).toISOString(),
    });
    expect(moved.statusCode, moved.body).toBe(200);
    await settle();
    const notices = (await repliesTo(asked.contactId)).filter((reply) => reply.key.startsWith('offer-moved:'));
    expect(notices).toEqual([
      {
        key: `offer-moved:${offerId}:${later.getTime()}`,
        assignmentId: offerId,
        text: expect.stringMatching(
          /^Atenção: o evento ".+" mudou para \d\d\/\d\d\/\d{4} \d\d:\d\d\. A oferta continua valendo/,
        ),
      },
    ]);
    expect((await dispatchView(dispatch.id)).offers.map((offer) => offer.status)).toEqual(['offered']);
  });

  it('moves to the next candidate when an offer expires unanswered', async () => {
    const garcom = await serviceType();
    const silent = await provider([garcom.id]);
    const next = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'sequential',
      offer_ttl_minutes: 15,
      candidates: [silent.id, next.id],
    });
    const offerId = (dispatch.offers[0] as OfferView).assignment_id;
    // The timeout job runs early: nothing happens until the offer's time is up.
    await t.db
      .updateTable('jobs')
      .set({ run_at: new Date() })
      .where('idempotency_key', '=', `offer-expiry:${offerId}`)
      .execute();
    await sleep(300);
    await settle();
    expect((await offerOf(dispatch.id, silent.id)).status).toBe('offered');

    // Its time is up: the timeout job expires it and offers the next candidate.
    await t.db
      .updateTable('assignments')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', offerId)
      .execute();
    await t.db
      .updateTable('jobs')
      .set({ run_at: new Date() })
      .where('idempotency_key', '=', `offer-expiry:${offerId}`)
      .execute();
    const deadline = Date.now() + 10_000;
    while ((await offerOf(dispatch.id, silent.id)).status === 'offered' && Date.now() < deadline) await sleep(50);
    await settle();
    const after = await dispatchView(dispatch.id);
    expect(after.offers.map((offer) => [offer.provider_id, offer.status, offer.response_source])).toEqual([
      [silent.id, 'expired', 'timeout'],
      [next.id, 'offered', null],
    ]);
  });

  it('moves on at once when an offer cannot be delivered', async () => {
    const garcom = await serviceType();
    const unreachable = await provider([garcom.id]);
    const next = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'sequential',
      candidates: [unreachable.id, next.id],
    });
    const offerId = (dispatch.offers[0] as OfferView).assignment_id;
    // What the notifier records when neither WhatsApp nor SMS could take the offer.
    await inTransaction(t.db, (tx) =>
      t.app.services.businessEvents.record(tx, {
        accountId: 1,
        name: 'notification.failed',
        data: { notification_id: 0, contact_id: unreachable.contactId, assignment_id: offerId, kind: 'offer' },
      }),
    );
    await settle();
    const after = await dispatchView(dispatch.id);
    expect(after.offers.map((offer) => [offer.provider_id, offer.status, offer.response_source])).toEqual([
      [unreachable.id, 'expired', 'undelivered'],
      [next.id, 'offered', null],
    ]);
  });

  it('marks the dispatch exhausted and leaves a note in the event’s conversation when nobody is left', async () => {
    const garcom = await serviceType();
    const declines = await provider([garcom.id]);
    const ignores = await provider([garcom.id]);
    // The booking came from a conversation with the client, since resolved.
    const clientPhone = mobile();
    const written = await say(clientPhone, 'Quero fazer uma festa');
    await t.db
      .updateTable('conversations')
      .set({ status: 'resolved' })
      .where('id', '=', written.conversation_id)
      .execute();
    const conversation = await t.db
      .selectFrom('conversations')
      .select(['display_id', 'contact_id'])
      .where('id', '=', written.conversation_id)
      .executeTakeFirstOrThrow();
    const clientRow = await t.db
      .insertInto('clients')
      .values({ account_id: 1, contact_id: conversation.contact_id, address: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }], {
      client_id: clientRow.id,
      conversation_id: conversation.display_id,
    });
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'sequential',
      candidates: [declines.id, ignores.id],
    });
    await answer(declines, (dispatch.offers[0] as OfferView).assignment_id, 'decline');
    const second = await offerOf(dispatch.id, ignores.id);
    await t.db
      .updateTable('assignments')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', second.assignment_id)
      .execute();
    await t.app.services.dispatch.expireOffer(second.assignment_id);
    await settle();

    expect((await dispatchView(dispatch.id)).status).toBe('exhausted');
    const [note] = await privateNotes(written.conversation_id);
    expect(note?.content).toContain(`1 vaga(s) de ${garcom.name} em "${event.title}"`);
    expect(note?.content).toContain(`Recusaram: ${declines.name}. Não responderam a tempo: ${ignores.name}.`);
    const reopened = await t.db
      .selectFrom('conversations')
      .select('status')
      .where('id', '=', written.conversation_id)
      .executeTakeFirstOrThrow();
    expect(reopened.status).toBe('open');
    expect(published).toContainEqual(
      expect.objectContaining({
        name: 'dispatch.updated',
        data: expect.objectContaining({ id: dispatch.id, status: 'exhausted' }),
      }),
    );
  });
});

describe('replies that change nothing', () => {
  it('rejects a forged token, and a real token sent by someone else, with a polite answer', async () => {
    const garcom = await serviceType();
    const offered = await provider([garcom.id]);
    const intruder = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'sequential',
      candidates: [offered.id],
    });
    const offerId = (dispatch.offers[0] as OfferView).assignment_id;

    await tap(offered.phone, `offer:${offerId}:forgedtoken1234:accept`);
    await tap(intruder.phone, `offer:${offerId}:${await tokenOf(offerId)}:accept`);

    expect((await offerOf(dispatch.id, offered.id)).status).toBe('offered');
    expect((await repliesTo(offered.contactId)).map((r) => r.text)).toEqual([UNAVAILABLE]);
    expect((await repliesTo(intruder.contactId)).map((r) => r.text)).toEqual([UNAVAILABLE]);
  });

  it('records one acceptance when the provider taps Aceitar twice', async () => {
    const garcom = await serviceType();
    const eager = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 2 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'sequential',
      candidates: [eager.id],
    });
    const offerId = (dispatch.offers[0] as OfferView).assignment_id;
    await answer(eager, offerId, 'accept');
    await answer(eager, offerId, 'accept');

    const accepted = await t.db
      .selectFrom('assignments')
      .select('id')
      .where('event_id', '=', event.id)
      .where('status', '=', 'accepted')
      .execute();
    expect(accepted).toEqual([{ id: offerId }]);
    expect((await repliesTo(eager.contactId)).map((r) => r.key)).toEqual([
      `offer-reply:${offerId}:accepted`,
      `offer-reply:${offerId}:repeated`,
    ]);
    const audits = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'assignment.accepted')
      .where('target_id', '=', String(offerId))
      .execute();
    expect(audits).toHaveLength(1);
  });
});

describe('free-text answers', () => {
  it('accepts "Sim!" and declines "Não posso" when the provider has exactly one open offer', async () => {
    const garcom = await serviceType();
    const yes = await provider([garcom.id]);
    const no = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 2 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'broadcast',
      candidates: [yes.id, no.id],
    });
    await say(yes.phone, 'Sim!');
    await say(no.phone, 'Não posso');
    const after = await dispatchView(dispatch.id);
    expect(after.offers.map((offer) => [offer.provider_id, offer.status, offer.response_source])).toEqual([
      [yes.id, 'accepted', 'text'],
      [no.id, 'declined', 'text'],
    ]);
  });

  it('asks an attendant when the answer is ambiguous, or when several offers are open', async () => {
    const garcom = await serviceType();
    const unsure = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'sequential',
      candidates: [unsure.id],
    });
    const ambiguous = await say(unsure.phone, 'talvez, que horas termina?');
    expect((await offerOf(dispatch.id, unsure.id)).status).toBe('offered');
    const [note] = await privateNotes(ambiguous.conversation_id);
    expect(note?.content).toContain('Resposta à oferta não entendida — responda ao prestador.');
    expect(note?.content).toContain(event.title);

    const another = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    await startDispatch(another.id, { service: garcom.id, strategy: 'sequential', candidates: [unsure.id] });
    const twoOpen = await say(unsure.phone, 'sim');
    expect((await offerOf(dispatch.id, unsure.id)).status).toBe('offered');
    expect(await privateNotes(twoOpen.conversation_id)).toHaveLength(2);
    const conversation = await t.db
      .selectFrom('conversations')
      .select('status')
      .where('id', '=', twoOpen.conversation_id)
      .executeTakeFirstOrThrow();
    expect(conversation.status).toBe('open');
  });

  it('ignores short texts from people without an open offer, without even a job once it knows who has offers', async () => {
    const stranger = await say(mobile(), 'sim');
    expect(await privateNotes(stranger.conversation_id)).toEqual([]);
    // The first message taught the listener who has offers out (for 2 s, refreshed in the background); a
    // short text soon costs nothing. Under load a message may come after that knowledge went stale (its
    // refresh still running): then the next one is the test.
    const jobsFor = (messageId: number) =>
      t.db
        .selectFrom('jobs')
        .select('id')
        .where('name', '=', 'business_events.handle')
        .where(sql<string>`payload->>'listener'`, '=', 'dispatch.offer_replies')
        .where(sql<string>`payload->'event'->'data'->>'message_id'`, '=', String(messageId))
        .execute();
    const costless = await eventually(
      async () => {
        const again = await say(mobile(), 'ok');
        return (await jobsFor(again.id)).length === 0;
      },
      { timeoutMs: 20_000 },
    );
    expect(costless).toBe(true);
  });
});

describe('bad requests', () => {
  it('refuses a service the event does not need, a full one, a cancelled event and ineligible candidates', async () => {
    const garcom = await serviceType();
    const dj = await serviceType('DJ');
    const ready = await provider([garcom.id]);
    const inactive = await provider([garcom.id], { active: false });
    const wrong = await provider([dj.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);

    const notNeeded = await api('POST', `/events/${event.id}/dispatch`, { service: dj.id, strategy: 'broadcast' });
    expect(notNeeded.statusCode).toBe(422);
    expect(notNeeded.json()).toMatchObject({ error: 'unprocessable', details: [{ field: 'service' }] });

    const ineligible = await api('POST', `/events/${event.id}/dispatch`, {
      service: garcom.id,
      strategy: 'sequential',
      candidates: [ready.id, inactive.id, wrong.id, 999_999],
    });
    expect(ineligible.statusCode).toBe(422);
    expect(ineligible.json().details).toEqual([
      { field: 'candidates.1', message: `${inactive.name} (id ${inactive.id}) está inativo(a)` },
      { field: 'candidates.2', message: `${wrong.name} (id ${wrong.id}) não presta este serviço` },
      { field: 'candidates.3', message: 'prestador 999999 não encontrado' },
    ]);

    const invalid = await api('POST', `/events/${event.id}/dispatch`, { service: garcom.id, strategy: 'all' });
    expect(invalid.statusCode).toBe(400);

    const running = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'sequential',
      candidates: [ready.id],
    });
    const twice = await api('POST', `/events/${event.id}/dispatch`, { service: garcom.id, strategy: 'broadcast' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ error: 'conflict', details: { dispatch_id: running.id } });

    await answer(ready, (running.offers[0] as OfferView).assignment_id, 'accept');
    const full = await api('POST', `/events/${event.id}/dispatch`, { service: garcom.id, strategy: 'broadcast' });
    expect(full.statusCode).toBe(409);
    expect(full.json().error).toBe('staffing_full');

    const cancelled = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    await api('POST', `/events/${cancelled.id}/dispatch`, { service: garcom.id, strategy: 'broadcast' });
    const patched = await t.inject({
      method: 'PATCH',
      url: `/api/v1/accounts/1/events/${cancelled.id}`,
      headers: admin.tokenHeaders,
      payload: { status: 'cancelled' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const refused = await api('POST', `/events/${cancelled.id}/dispatch`, {
      service: garcom.id,
      strategy: 'broadcast',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details).toEqual([{ field: 'event_id', message: expect.stringContaining('cancelado') }]);
    await settle();
    const [stopped] = (await api('GET', `/events/${cancelled.id}/dispatches`)).json().payload;
    expect(stopped.status).toBe('cancelled');
  });

  it('cancels a running dispatch once, withdrawing its open offers, and hides other accounts’ dispatches', async () => {
    const garcom = await serviceType();
    const waiting = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, {
      service: garcom.id,
      strategy: 'broadcast',
      candidates: [waiting.id],
    });
    const cancel = await api('POST', `/dispatches/${dispatch.id}/cancel`);
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', offers: [{ status: 'withdrawn' }] });
    expect((await api('POST', `/dispatches/${dispatch.id}/cancel`)).statusCode).toBe(409);

    const listed = await api('GET', `/events/${event.id}/dispatches`);
    expect(listed.json()).toMatchObject({ meta: { count: 1 }, payload: [{ id: dispatch.id }] });

    await expect(t.app.services.dispatch.get(otherAccountId, dispatch.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.app.services.dispatch.listForEvent(otherAccountId, event.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('the account’s offer template', () => {
  it('goes with offers, for providers whose 24-hour window is closed', async () => {
    const template = await t.db
      .insertInto('notification_templates')
      .values({
        account_id: 1,
        name: unique('Oferta'),
        category: 'utility',
        whatsapp: JSON.stringify({
          template_name: 'oferta_trabalho',
          language: 'pt_BR',
          body_params: ['{{provider.first_name}}'],
          button_payloads: ['{{offer.accept_payload}}', '{{offer.decline_payload}}'],
        }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const garcom = await serviceType();
    const p = await provider([garcom.id]);
    const event = await bookEvent([{ service: garcom.id, quantity: 1 }]);
    const dispatch = await startDispatch(event.id, { service: garcom.id, strategy: 'sequential', candidates: [p.id] });
    const notification = await t.db
      .selectFrom('notifications')
      .select('template_id')
      .where('key', '=', `offer:${(dispatch.offers[0] as OfferView).assignment_id}`)
      .executeTakeFirstOrThrow();
    expect(notification.template_id).toBe(template.id);
  });
});
