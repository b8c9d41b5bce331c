import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/shared/clock.js';
import { eventually } from '../helpers/eventually.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { freePort } from '../helpers/server-process.js';
import { settleJobs } from '../helpers/settle-jobs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ graphTimeoutMs: 3000, env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

// A real 1×1 PNG, a minimal PDF, an MPEG audio frame, a Windows executable's header.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const MP3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(2000, 0)]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0)]);

let sequence = 0;
/** A conversation whose contact just wrote (the 24-hour window is open), with that message's wamid. */
async function conversation() {
  sequence++;
  const from = `5531977${String(sequence).padStart(6, '0')}`;
  const wamid = `wamid.media-${sequence}-${Date.now()}`;
  await postWebhook(t, textPayload(inbox.phoneNumberId, { from, wamid, text: 'Oi!' }), inbox.appSecret);
  await waitForWebhooks(t);
  const row = await t.db
    .selectFrom('conversations')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .select(['conversations.display_id', 'conversations.id'])
    .where('contact_inboxes.source_id', '=', from)
    .executeTakeFirstOrThrow();
  return { displayId: row.display_id, id: row.id, from, wamid };
}

type FormFile = { name: string; type: string; bytes: Buffer };

/** Chatwoot's multipart form: text fields, files in `attachments[]`. */
async function postForm(displayId: number, fields: Record<string, string>, files: FormFile[], accountId = 1) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append('attachments[]', new Blob([file.bytes], { type: file.type }), file.name);
  const encoded = new Response(form);
  return t.inject({
    method: 'POST',
    url: `/api/v1/accounts/${accountId}/conversations/${displayId}/messages`,
    headers: { ...admin.tokenHeaders, 'content-type': encoded.headers.get('content-type') ?? '' },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers: admin.tokenHeaders,
    ...(payload === undefined ? {} : { payload }),
  });

/** Every file under DATA_DIR/media, staging included: refusals must leave none behind. */
function storedFiles(): string[] {
  const root = path.join(t.config.dataDir, 'media');
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

const messageRow = (id: number) =>
  t.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const waitForSent = (id: number) =>
  eventually(
    async () => {
      const row = await messageRow(id);
      return row.status === 'sent' ? row : undefined;
    },
    { what: `message ${id} sent` },
  );
const attachmentsOf = (messageId: number) =>
  t.db.selectFrom('attachments').selectAll().where('message_id', '=', messageId).orderBy('id').execute();
const sendsTo = (to: string) => graph.sends().filter((request) => (request.body as { to?: string }).to === to);

describe('sending files from the agent', () => {
  it('stores an image, uploads it to Meta in its multipart format, then sends it with the caption', async () => {
    const chat = await conversation();
    const response = await postForm(chat.displayId, { content: 'Segue a foto do local', private: 'false' }, [
      { name: 'local.png', type: 'image/png', bytes: PNG },
    ]);
    expect(response.statusCode).toBe(200);
    const view = response.json();
    expect(view).toMatchObject({ content: 'Segue a foto do local', message_type: 1, linked_messages: [] });
    expect(view.attachments).toEqual([expect.objectContaining({ file_type: 'image' })]);

    const [attachment] = await attachmentsOf(view.id);
    expect(attachment).toMatchObject({
      file_type: 'image',
      mime_type: 'image/png',
      file_name: 'local.png',
      status: 'ready',
      sha256: createHash('sha256').update(PNG).digest('hex'),
    });
    expect(Number(attachment?.file_size)).toBe(PNG.length);
    const download = await api('GET', `/attachments/${attachment?.id}`);
    expect(download.rawPayload.equals(PNG)).toBe(true);

    const sent = await waitForSent(view.id);
    const upload = graph.uploads().at(-1);
    expect(upload?.path).toBe(`/v24.0/${inbox.phoneNumberId}/media`);
    expect(upload?.fields).toEqual({ messaging_product: 'whatsapp', type: 'image/png' });
    expect(upload?.file).toMatchObject({ field: 'file', name: 'local.png', type: 'image/png', size: PNG.length });
    const mediaId = (await attachmentsOf(view.id))[0]?.external_media_id;
    expect(mediaId).toMatch(/^\d+$/);
    expect(sendsTo(chat.from).at(-1)?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: chat.from,
      type: 'image',
      image: { id: mediaId, caption: 'Segue a foto do local' },
    });
    expect(sent.source_id).toMatch(/^wamid\./);
  });

  it('trusts the bytes, not the name or the Content-Type the client gave', async () => {
    const chat = await conversation();
    const response = await postForm(chat.displayId, {}, [{ name: 'foto.jpg', type: 'image/jpeg', bytes: PNG }]);
    expect(response.statusCode).toBe(200);
    const [attachment] = await attachmentsOf(response.json().id);
    expect(attachment?.mime_type).toBe('image/png');
    expect(attachment?.storage_key).toMatch(/\.png$/);
    await waitForSent(response.json().id);
    expect(graph.uploads().at(-1)?.fields.type).toBe('image/png');
  });

  it('refuses an executable or bytes of no known type with 415 and keeps nothing', async () => {
    const chat = await conversation();
    const before = storedFiles().length;
    const exe = await postForm(chat.displayId, { content: 'instale isto' }, [
      { name: 'boleto.pdf', type: 'application/pdf', bytes: EXE },
    ]);
    expect(exe.statusCode).toBe(415);
    expect(exe.json()).toMatchObject({
      error: 'unsupported_media_type',
      message: expect.stringContaining('boleto.pdf'),
    });
    const noise = await postForm(chat.displayId, {}, [
      { name: 'dados.bin', type: 'application/octet-stream', bytes: Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 7]) },
    ]);
    expect(noise.statusCode).toBe(415);
    expect(storedFiles()).toHaveLength(before);
    const messages = await t.db.selectFrom('messages').select('id').where('conversation_id', '=', chat.id).execute();
    expect(messages).toHaveLength(1);
  });

  it('refuses an image over WhatsApp’s 5 MB with 413 and keeps nothing', async () => {
    const chat = await conversation();
    const before = storedFiles().length;
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024, 0)]);
    const response = await postForm(chat.displayId, {}, [{ name: 'grande.png', type: 'image/png', bytes: big }]);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining('5 MB') });
    expect(storedFiles()).toHaveLength(before);
  });

  it('sends a document with its file name and the text as caption', async () => {
    const chat = await conversation();
    const response = await postForm(chat.displayId, { content: 'Orçamento em anexo' }, [
      { name: 'Orçamento março.pdf', type: 'application/pdf', bytes: PDF },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.json().attachments[0]).toMatchObject({ file_type: 'file' });
    await waitForSent(response.json().id);
    const mediaId = (await attachmentsOf(response.json().id))[0]?.external_media_id;
    expect(sendsTo(chat.from).at(-1)?.body).toMatchObject({
      type: 'document',
      document: { id: mediaId, caption: 'Orçamento em anexo', filename: 'Orçamento março.pdf' },
    });
  });

  it('retries a send that failed with a 500 without uploading the file again', async () => {
    const chat = await conversation();
    graph.failNext({ status: 500, code: 2, title: 'Service temporarily unavailable' });
    const uploadsBefore = graph.uploads().length;
    const response = await postForm(chat.displayId, {}, [{ name: 'a.png', type: 'image/png', bytes: PNG }]);
    expect(response.statusCode).toBe(200);
    await waitForSent(response.json().id);
    expect(graph.uploads().length - uploadsBefore).toBe(1);
    const mediaId = (await attachmentsOf(response.json().id))[0]?.external_media_id;
    const attempts = sendsTo(chat.from).filter((request) => (request.body as { type?: string }).type === 'image');
    expect(attempts.map((request) => (request.body as { image: { id: string } }).image.id)).toEqual([mediaId, mediaId]);
  });

  it('sends several files as linked messages, in order, and text that no file can carry after them', async () => {
    const chat = await conversation();
    const response = await postForm(chat.displayId, { content: 'Ouça o recado' }, [
      { name: 'recado.mp3', type: 'audio/mpeg', bytes: MP3 },
      { name: 'mapa.png', type: 'image/png', bytes: PNG },
    ]);
    expect(response.statusCode).toBe(200);
    const first = response.json();
    expect(first.linked_messages).toHaveLength(1);
    // The image takes the caption; the audio cannot.
    expect(first).toMatchObject({ content: null, attachments: [expect.objectContaining({ file_type: 'audio' })] });
    expect(first.linked_messages[0]).toMatchObject({ content: 'Ouça o recado' });
    const group = first.content_attributes.media_group;
    expect(group).toMatchObject({ index: 0, size: 2 });
    expect(first.linked_messages[0].content_attributes.media_group).toEqual({ ...group, index: 1 });
    await waitForSent(first.linked_messages[0].id);
    const types = sendsTo(chat.from).map((request) => (request.body as { type: string }).type);
    expect(types.slice(-2)).toEqual(['audio', 'image']);
    expect(sendsTo(chat.from).at(-2)?.body).toMatchObject({ type: 'audio', audio: { id: expect.any(String) } });
    expect(sendsTo(chat.from).at(-2)?.body).not.toHaveProperty('audio.caption');

    const onlyAudio = await postForm(chat.displayId, { content: 'Escute' }, [
      { name: 'recado.mp3', type: 'audio/mpeg', bytes: MP3 },
    ]);
    const [text] = onlyAudio.json().linked_messages;
    expect(text).toMatchObject({ content: 'Escute', attachments: [] });
    await waitForSent(text.id);
    expect(sendsTo(chat.from).at(-1)?.body).toMatchObject({ type: 'text', text: { body: 'Escute' } });
  });

  it('keeps a private note’s file inside Santana', async () => {
    const chat = await conversation();
    const uploadsBefore = graph.uploads().length;
    const response = await postForm(chat.displayId, { content: 'comprovante', private: 'true' }, [
      { name: 'comprovante.pdf', type: 'application/pdf', bytes: PDF },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ private: true, status: 'sent', attachments: [expect.any(Object)] });
    await sleep(300);
    expect(graph.uploads().length).toBe(uploadsBefore);
  });

  it('answers 404 for a conversation of another account, storing nothing', async () => {
    const account = await t.db
      .insertInto('accounts')
      .values({ name: 'Outra empresa' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const before = storedFiles().length;
    const foreign = await postForm(1, {}, [{ name: 'a.png', type: 'image/png', bytes: PNG }], account.id);
    expect(foreign.statusCode).toBe(404);
    const missing = await postForm(999_999, {}, [{ name: 'a.png', type: 'image/png', bytes: PNG }]);
    expect(missing.statusCode).toBe(404);
    expect(storedFiles()).toHaveLength(before);
  });

  it('validates form fields like the JSON body (unknown field → 400), removing the files', async () => {
    const chat = await conversation();
    const before = storedFiles().length;
    const response = await postForm(chat.displayId, { content: 'oi', surprise: '1' }, [
      { name: 'a.png', type: 'image/png', bytes: PNG },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'validation_failed', details: [{ field: 'surprise' }] });
    expect(storedFiles()).toHaveLength(before);
  });
});

describe('reactions', () => {
  it('sends the agent’s reaction with the target wamid, shows it on the message, and removes it', async () => {
    const chat = await conversation();
    const target = await t.db
      .selectFrom('messages')
      .select('id')
      .where('source_id', '=', chat.wamid)
      .executeTakeFirstOrThrow();
    const url = `/conversations/${chat.displayId}/messages/${target.id}/reactions`;
    const reacted = await api('POST', url, { emoji: '👍' });
    expect(reacted.statusCode).toBe(200);
    expect(reacted.json().reactions).toEqual([{ emoji: '👍', reactor_type: 'user', reactor_id: admin.user.id }]);
    const sent = await eventually(
      async () => sendsTo(chat.from).find((request) => (request.body as { type: string }).type === 'reaction'),
      { what: 'the reaction send' },
    );
    expect(sent.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: chat.from,
      type: 'reaction',
      reaction: { message_id: chat.wamid, emoji: '👍' },
    });

    const listed = await api('GET', `/conversations/${chat.displayId}/messages`);
    const shown = listed.json().payload.find((message: { id: number }) => message.id === target.id);
    expect(shown.reactions).toEqual([{ emoji: '👍', reactor_type: 'user', reactor_id: admin.user.id }]);

    const removed = await api('POST', url, { emoji: '' });
    expect(removed.statusCode).toBe(200);
    expect(removed.json().reactions).toEqual([]);
    await eventually(
      async () =>
        sendsTo(chat.from).find((request) => (request.body as { reaction?: { emoji: string } }).reaction?.emoji === ''),
      { what: 'the removal' },
    );
  });

  it('refuses a message WhatsApp does not know yet (422) and text that is not an emoji (400)', async () => {
    const chat = await conversation();
    const note = await api('POST', `/conversations/${chat.displayId}/messages`, { content: 'nota', private: true });
    const refused = await api('POST', `/conversations/${chat.displayId}/messages/${note.json().id}/reactions`, {
      emoji: '👍',
    });
    expect(refused.statusCode).toBe(422);
    const target = await t.db
      .selectFrom('messages')
      .select('id')
      .where('source_id', '=', chat.wamid)
      .executeTakeFirstOrThrow();
    const words = await api('POST', `/conversations/${chat.displayId}/messages/${target.id}/reactions`, {
      emoji: 'legal',
    });
    expect(words.statusCode).toBe(400);
  });
});

describe('read receipts', () => {
  it('marks the newest incoming message read on WhatsApp when the agent opens the conversation', async () => {
    const chat = await conversation();
    const later = `wamid.media-later-${Date.now()}`;
    await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from: chat.from, wamid: later, text: 'E aí?' }),
      inbox.appSecret,
    );
    await waitForWebhooks(t);
    const response = await api('POST', `/conversations/${chat.displayId}/update_last_seen`);
    expect(response.statusCode).toBe(200);
    const receipt = await eventually(
      async () => graph.sends().find((request) => (request.body as { message_id?: string }).message_id === later),
      { what: 'the read receipt' },
    );
    expect(receipt.path).toBe(`/v24.0/${inbox.phoneNumberId}/messages`);
    expect(receipt.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: later });
    // Opening it again sends nothing new for the same message.
    await api('POST', `/conversations/${chat.displayId}/update_last_seen`);
    await sleep(300);
    expect(
      graph.sends().filter((request) => (request.body as { message_id?: string }).message_id === later),
    ).toHaveLength(1);
  });
});

describe('deleting a message', () => {
  it('soft-deletes: the row stays, marked deleted, its text replaced and its files gone', async () => {
    const chat = await conversation();
    const created = await postForm(chat.displayId, { content: 'foto errada' }, [
      { name: 'errada.png', type: 'image/png', bytes: PNG },
    ]);
    const id = created.json().id;
    await waitForSent(id);
    const [attachment] = await attachmentsOf(id);
    const filesBefore = storedFiles().length;

    const response = await api('DELETE', `/conversations/${chat.displayId}/messages/${id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id,
      content: 'Esta mensagem foi apagada',
      content_attributes: { deleted: true },
      attachments: [],
    });
    const row = await messageRow(id);
    expect(row.content).toBe('Esta mensagem foi apagada');
    expect(row.deleted_at).not.toBeNull();
    expect(await attachmentsOf(id)).toEqual([]);
    // The file goes after the commit, by a job queued with the deletion.
    await settleJobs(t.db, { names: ['attachments.remove_files'], failOnDead: true });
    expect(storedFiles()).toHaveLength(filesBefore - 1);
    expect((await api('GET', `/attachments/${attachment?.id}`)).statusCode).toBe(404);

    const listed = await api('GET', `/conversations/${chat.displayId}/messages`);
    const shown = listed.json().payload.find((message: { id: number }) => message.id === id);
    expect(shown.content_attributes).toMatchObject({ deleted: true });
  });

  it('answers 404 for a message of another conversation', async () => {
    const chat = await conversation();
    const other = await conversation();
    const response = await api(
      'DELETE',
      `/conversations/${chat.displayId}/messages/${(await t.db.selectFrom('messages').select('id').where('source_id', '=', other.wamid).executeTakeFirstOrThrow()).id}`,
    );
    expect(response.statusCode).toBe(404);
  });
});

describe('the simulator', () => {
  let sim: TestApp;
  let simAdmin: Awaited<ReturnType<TestApp['signIn']>>;
  beforeAll(async () => {
    const port = await freePort();
    sim = await createTestApp({ env: { PORT: String(port), HOST: '127.0.0.1', SIMULATOR: 'on' } });
    await sim.app.start();
    simAdmin = await sim.signIn();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('takes the upload in Meta’s format and shows the image on the simulated phone, with blue ticks', async () => {
    const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
      sim.inject({ method, url, headers: simAdmin.tokenHeaders, ...(payload ? { payload } : {}) });
    const waId = (await call('POST', '/simulator/api/phones', { name: 'Rita' })).json().wa_id as string;
    const wrote = await call('POST', `/simulator/api/phones/${waId}/messages`, { text: 'Manda a foto?' });
    expect(wrote.statusCode).toBe(201);
    const conversation = await eventually(
      async () => {
        const { data } = (await call('GET', `/api/v1/accounts/1/conversations?q=${waId}`)).json();
        return data.payload[0] as { id: number } | undefined;
      },
      { what: 'the simulated conversation' },
    );

    const form = new FormData();
    form.append('content', 'Aqui está');
    form.append('attachments[]', new Blob([PNG], { type: 'image/png' }), 'foto.png');
    const encoded = new Response(form);
    const sent = await sim.inject({
      method: 'POST',
      url: `/api/v1/accounts/1/conversations/${conversation.id}/messages`,
      headers: { ...simAdmin.tokenHeaders, 'content-type': encoded.headers.get('content-type') ?? '' },
      payload: Buffer.from(await encoded.arrayBuffer()),
    });
    expect(sent.statusCode).toBe(200);

    const image = await eventually(
      async () => {
        const { payload } = (await call('GET', `/simulator/api/phones/${waId}/messages`)).json();
        return (payload as Array<{ direction: string; payload: { type: string; image?: { id: string } } }>).find(
          (message) => message.direction === 'to_phone' && message.payload.type === 'image',
        );
      },
      { what: 'the image on the phone' },
    );
    expect(image.payload.image).toMatchObject({ id: expect.stringMatching(/^\d+$/), caption: 'Aqui está' });
    expect(image.payload.image).not.toHaveProperty('data');
    const shown = await call('GET', `/simulator/api/phones/${waId}/media/${image.payload.image?.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toBe('image/png');
    expect(shown.rawPayload.equals(PNG)).toBe(true);

    await call('POST', `/api/v1/accounts/1/conversations/${conversation.id}/update_last_seen`);
    await eventually(
      async () => {
        const { payload } = (await call('GET', `/simulator/api/phones/${waId}/messages`)).json();
        return (payload as Array<{ direction: string; status: string }>).find(
          (message) => message.direction === 'to_business' && message.status === 'read',
        );
      },
      { what: 'the read receipt on the phone' },
    );
  });
});
