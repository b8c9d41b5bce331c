import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { onPostgres, testRedisUrl } from '../helpers/test-database.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload } from '../helpers/whatsapp.js';

let t: TestApp;
let inbox: TestInbox;
let base: string;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  inbox = await createWhatsAppInbox(t);
  token = (await t.signIn()).token;
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
  base = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
});

interface StreamEvent {
  id: string | undefined;
  event: string;
  data: { event: string; account_id: number; data: Record<string, unknown> };
}

/** Reads an SSE stream and collects parsed events until stopped. */
async function openStream(path: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${base}${path}`, {
    // What every EventSource sends.
    headers: { accept: 'text/event-stream', api_access_token: token, ...headers },
    signal: controller.signal,
  });
  const events: StreamEvent[] = [];
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => line && !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
          );
          if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data ?? '{}') });
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    response,
    events,
    async waitFor(predicate: (event: StreamEvent) => boolean, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no such event; got ${events.map((event) => event.event).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      controller.abort();
      await done;
    },
  };
}

let sequence = 0;
const write = (text: string) => {
  sequence++;
  return postWebhook(
    t,
    textPayload(inbox.phoneNumberId, {
      from: `5561987${String(sequence).padStart(6, '0')}`,
      wamid: `wamid.rt-${sequence}-${Date.now()}`,
      text,
    }),
    inbox.appSecret,
  );
};

describe('the realtime stream (SSE)', () => {
  it('needs authentication and is scoped to the caller’s accounts', async () => {
    expect((await fetch(`${base}/api/v1/accounts/1/realtime`)).status).toBe(401);
    expect((await fetch(`${base}/api/v1/accounts/2/realtime`, { headers: { api_access_token: token } })).status).toBe(
      404,
    );
  });

  it('delivers new conversations and messages as they are stored', async () => {
    const stream = await openStream('/api/v1/accounts/1/realtime');
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    await write('oi, chegou?');
    const created = await stream.waitFor((event) => event.event === 'message.created');
    expect(created.data).toMatchObject({ account_id: 1, data: { conversation_id: expect.any(Number) } });
    await stream.waitFor((event) => event.event === 'conversation.created');
    // A first message from an unknown number also creates the contact (contact_created for webhooks).
    const contact = await stream.waitFor((event) => event.event === 'contact.created');
    expect(contact.data.data).toMatchObject({
      id: expect.any(Number),
      phone_number: expect.stringMatching(/^\+5561987/),
    });
    await stream.close();
  });

  it('replays what was missed after Last-Event-ID, and asks for a resync when the id is unknown', async () => {
    const first = await openStream('/api/v1/accounts/1/realtime');
    await write('primeira');
    const seen = await first.waitFor((event) => event.event === 'message.created');
    await first.close();

    await write('enquanto desconectado');
    // Give the job time to store it and publish.
    for (let i = 0; i < 200; i++) {
      const row = await t.db
        .selectFrom('messages')
        .select('id')
        .where('content', '=', 'enquanto desconectado')
        .executeTakeFirst();
      if (row) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));

    const resumed = await openStream('/api/v1/accounts/1/realtime', { 'last-event-id': seen.id ?? '' });
    const replayed = await resumed.waitFor((event) => event.event === 'message.created');
    expect(replayed.id).not.toBe(seen.id);
    await resumed.close();

    const stale = await openStream('/api/v1/accounts/1/realtime', { 'last-event-id': 'desconhecido' });
    await stale.waitFor((event) => event.event === 'resync');
    await stale.close();
  });

  it('does not send one account’s events to another', async () => {
    const other = await t.app.services.users.createAccount('Outra');
    const user = await t.app.services.users.createUser({
      name: 'Outro',
      email: `outro-${Date.now()}@example.com`,
      passwordHash: null,
    });
    await t.app.services.users.addMembership({ accountId: other.id, userId: user.id, role: 'administrator' });
    const tokenOther = (
      await t.app.services.auth.createPersonalToken({ userId: user.id, name: 't', ip: null, accountId: other.id })
    ).token;
    const stream = await openStream(`/api/v1/accounts/${other.id}/realtime`, { api_access_token: tokenOther });
    await write('só da conta 1');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(stream.events.filter((event) => event.event.startsWith('message'))).toEqual([]);
    await stream.close();
  });

  it('sends an agent only the events of inboxes they are a member of', async () => {
    const createAgent = async (name: string) => {
      const user = await t.app.services.users.createUser({
        name,
        email: `${name.toLowerCase()}-${Date.now()}@example.com`,
        passwordHash: null,
      });
      await t.app.services.users.addMembership({ accountId: 1, userId: user.id, role: 'agent' });
      const personal = await t.app.services.auth.createPersonalToken({
        userId: user.id,
        name: 't',
        ip: null,
        accountId: 1,
      });
      return { id: user.id, token: personal.token };
    };
    const member = await createAgent('Membro');
    const outsider = await createAgent('Alheio');
    await t.db.insertInto('inbox_members').values({ inbox_id: inbox.id, user_id: member.id, account_id: 1 }).execute();
    const memberStream = await openStream('/api/v1/accounts/1/realtime', { api_access_token: member.token });
    const outsiderStream = await openStream('/api/v1/accounts/1/realtime', { api_access_token: outsider.token });
    await write('só para quem é da caixa');
    await memberStream.waitFor((event) => event.event === 'message.created');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(outsiderStream.events.filter((event) => event.event.startsWith('message'))).toEqual([]);
    await memberStream.close();
    await outsiderStream.close();
  });
});

describe.runIf(onPostgres && testRedisUrl)('the realtime stream across processes (Redis)', () => {
  it('sends the events of one turn as one Redis message, and every process gets them in order', async () => {
    const second = await createTestApp({ database: t.database, env: { REDIS_PREFIX: t.config.redis?.prefix } });
    const raw = new Redis(testRedisUrl ?? '');
    try {
      const messages: string[] = [];
      await raw.subscribe(`${t.config.redis?.prefix}:events`);
      raw.on('message', (_channel, message) => messages.push(message));
      const seen: string[] = [];
      const own: string[] = [];
      second.app.events.subscribe((event) => {
        if (event.name.startsWith('test.')) seen.push(String(event.data.n));
      });
      t.app.events.subscribe((event) => {
        if (event.name.startsWith('test.')) own.push(String(event.data.n));
      });
      for (const n of [1, 2, 3]) t.app.events.publish({ accountId: 1, name: 'test.ordered', data: { n } });
      // The publishing process hears its own events at once, and only once (Redis brings them back too).
      expect(own).toEqual(['1', '2', '3']);
      await eventually(() => seen.length >= 3);
      expect(seen).toEqual(['1', '2', '3']);
      const ours = messages.filter((message) => message.includes('test.ordered'));
      expect(ours).toHaveLength(1);
      const [tag, ...json] = (ours[0] ?? '').split('|');
      expect(tag).toMatch(/^[0-9a-z]+$/);
      expect((JSON.parse(json.join('|')) as Array<{ data: { n: number } }>).map((event) => event.data.n)).toEqual([
        1, 2, 3,
      ]);
      expect(own).toEqual(['1', '2', '3']);

      // A bare JSON event, as a process of the previous version publishes it during an upgrade.
      const publisher = new Redis(testRedisUrl ?? '');
      try {
        await publisher.publish(
          `${t.config.redis?.prefix}:events`,
          JSON.stringify({ id: 'legacy-1', accountId: 1, name: 'test.legacy', data: { n: 9 } }),
        );
      } finally {
        publisher.disconnect();
      }
      await eventually(() => seen.includes('9') && own.includes('9'));
    } finally {
      raw.disconnect();
      await second.close();
    }
  });
});
