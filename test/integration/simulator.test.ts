import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/server-process.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['signIn']>>;

beforeAll(async () => {
  const port = await freePort();
  t = await createTestApp({ env: { PORT: String(port), HOST: '127.0.0.1', SIMULATOR: 'on' } });
  // start(): workers, scheduler, the listener, and the start-up template sync from the fake Graph API.
  await t.app.start();
  admin = await t.signIn();
});
afterAll(async () => {
  await t.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.inject({
    method,
    url,
    headers: admin.tokenHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function newPhone(name: string) {
  const created = await call('POST', '/simulator/api/phones', { name });
  expect(created.statusCode).toBe(201);
  return created.json().wa_id as string;
}

async function conversationOf(waId: string) {
  return eventually(async () => {
    const { data } = (await call('GET', `/api/v1/accounts/1/conversations?q=${waId}`)).json();
    return data.payload[0] as { id: number; meta: { sender: { name: string } } } | undefined;
  });
}

describe('the WhatsApp simulator', () => {
  it('exists from the first start as an inbox of account 1', async () => {
    const state = (await call('GET', '/simulator/api/state')).json();
    expect(state.inbox).toMatchObject({ name: 'WhatsApp (simulador)', display_phone_number: '5511900000000' });
    expect(state.templates.map((template: { name: string }) => template.name)).toContain('oferta_trabalho');
  });

  it('needs a signed-in user', async () => {
    expect((await t.inject({ method: 'GET', url: '/simulator/api/state' })).statusCode).toBe(401);
  });

  it('delivers what a phone writes as a signed webhook, and the reply reaches the phone with its ticks', async () => {
    const waId = await newPhone('Maria Simulada');
    const sent = await call('POST', `/simulator/api/phones/${waId}/messages`, { text: 'Oi, vocês fazem buffet?' });
    expect(sent.json()).toMatchObject({ webhook_status: 200 });
    const conversation = await conversationOf(waId);
    expect(conversation.meta.sender.name).toBe('Maria Simulada');

    const reply = await call('POST', `/api/v1/accounts/1/conversations/${conversation.id}/messages`, {
      content: 'Fazemos sim! Para quantas pessoas?',
    });
    expect(reply.statusCode).toBe(200);
    const messageId = reply.json().id;
    const onPhone = await eventually(async () => {
      const { payload } = (await call('GET', `/simulator/api/phones/${waId}/messages`)).json();
      return payload.find((item: { direction: string }) => item.direction === 'to_phone');
    });
    expect(onPhone.payload).toMatchObject({ type: 'text', text: { body: 'Fazemos sim! Para quantas pessoas?' } });

    const status = async () =>
      (await t.db.selectFrom('messages').select('status').where('id', '=', messageId).executeTakeFirstOrThrow()).status;
    await eventually(async () => (await status()) === 'delivered');
    expect((await call('POST', `/simulator/api/phones/${waId}/read`)).json()).toEqual({ read: 1 });
    await eventually(async () => (await status()) === 'read');
  });

  it('lets the phone tap a reply button the business sent', async () => {
    const waId = await newPhone('João Prestador');
    await call('POST', `/simulator/api/phones/${waId}/messages`, { text: 'oi' });
    const conversation = await conversationOf(waId);
    await call('POST', `/api/v1/accounts/1/conversations/${conversation.id}/messages`, {
      content: 'Pode trabalhar sábado?',
      content_type: 'input_select',
      content_attributes: {
        items: [
          { title: 'Aceitar', value: 'aceitar' },
          { title: 'Recusar', value: 'recusar' },
        ],
      },
    });
    const offer = await eventually(async () => {
      const { payload } = (await call('GET', `/simulator/api/phones/${waId}/messages`)).json();
      return payload.find(
        (item: { direction: string; payload: { type: string } }) =>
          item.direction === 'to_phone' && item.payload.type === 'interactive',
      );
    });
    const tapped = await call('POST', `/simulator/api/phones/${waId}/messages`, {
      reply: { type: 'button_reply', id: 'aceitar', title: 'Aceitar', context_wamid: offer.wamid },
    });
    expect(tapped.statusCode).toBe(201);
    const answer = await eventually(() =>
      t.db.selectFrom('messages').selectAll().where('source_id', '=', tapped.json().wamid).executeTakeFirst(),
    );
    expect(answer).toMatchObject({ content_type: 'interactive_reply', content: 'Aceitar' });
    expect(answer.in_reply_to_source_id).toBe(offer.wamid);
  });

  it('sends an image from the phone that Santana downloads through the fake Graph API', async () => {
    const waId = await newPhone('Ana Foto');
    // A 1×1 PNG.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const sent = await call('POST', `/simulator/api/phones/${waId}/messages`, {
      image: { data: png, mime_type: 'image/png', caption: 'o salão' },
    });
    expect(sent.statusCode).toBe(201);
    const attachment = await eventually(async () => {
      const row = await t.db
        .selectFrom('attachments')
        .innerJoin('messages', 'messages.id', 'attachments.message_id')
        .selectAll('attachments')
        .where('messages.source_id', '=', sent.json().wamid)
        .executeTakeFirst();
      return row?.status === 'ready' ? row : undefined;
    });
    expect(attachment).toMatchObject({ mime_type: 'image/png', file_size: Buffer.from(png, 'base64').length });
    const download = await call('GET', `/api/v1/accounts/1/attachments/${attachment.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.rawPayload.equals(Buffer.from(png, 'base64'))).toBe(true);
    expect((await t.inject({ method: 'GET', url: `/api/v1/accounts/1/attachments/${attachment.id}` })).statusCode).toBe(
      401,
    );
    expect((await call('GET', '/api/v1/accounts/1/attachments/999999')).statusCode).toBe(404);
  });

  it('fails a send the way Meta does when told to (131026) and shows why in Portuguese', async () => {
    const waId = await newPhone('Sem WhatsApp');
    await call('POST', `/simulator/api/phones/${waId}/messages`, { text: 'oi' });
    const conversation = await conversationOf(waId);
    await call('POST', '/simulator/api/failures', { wa_id: waId, code: 131026 });
    const reply = await call('POST', `/api/v1/accounts/1/conversations/${conversation.id}/messages`, {
      content: 'não vai chegar',
    });
    const failed = await eventually(async () => {
      const row = await t.db
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', reply.json().id)
        .executeTakeFirstOrThrow();
      return row.status === 'failed' ? row : undefined;
    });
    expect(failed.error_code).toBe('131026');
    const { payload } = (await call('GET', `/api/v1/accounts/1/conversations/${conversation.id}/messages`)).json();
    expect(payload.at(-1).error).toMatchObject({ code: '131026', reason: expect.stringContaining('não tem WhatsApp') });
  });

  it('sends a synced template and refuses a wrong parameter count before it reaches the fake', async () => {
    const waId = await newPhone('Modelo');
    await call('POST', `/simulator/api/phones/${waId}/messages`, { text: 'oi' });
    const conversation = await conversationOf(waId);
    const good = await call('POST', `/api/v1/accounts/1/conversations/${conversation.id}/messages`, {
      content: 'Olá Maria! Obrigado por falar com a gente.',
      template_params: { name: 'boas_vindas', language: 'pt_BR', processed_params: { body: { '1': 'Maria' } } },
    });
    const wrong = await call('POST', `/api/v1/accounts/1/conversations/${conversation.id}/messages`, {
      content: 'x',
      template_params: {
        name: 'boas_vindas',
        language: 'pt_BR',
        processed_params: { body: { '1': 'Maria', '2': 'demais' } },
      },
    });
    const statusOf = async (id: number) =>
      await t.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await eventually(async () => ['sent', 'delivered'].includes((await statusOf(good.json().id)).status));
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ error: 'template_parameters_invalid' });
  });
});
