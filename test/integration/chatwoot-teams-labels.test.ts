import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox } from '../helpers/whatsapp.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
let agent: Awaited<ReturnType<TestApp['signIn']>>;
let otherAccountId: number;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn();
  const email = `agente-${Date.now()}@example.com`;
  await api('POST', '/agents', { name: 'Agente', email, role: 'agent', password: 'senha-do-agente-1' });
  agent = await t.signIn(email, 'senha-do-agente-1');
  const other = await t.app.services.users.createAccount('Concorrente');
  otherAccountId = other.id;
  await t.app.services.users.addMembership({ accountId: other.id, userId: admin.user.id, role: 'administrator' });
  t.app.services.memberships.forget(admin.user.id);
});
afterAll(async () => {
  await t.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
function api(method: Method, url: string, payload?: unknown, headers = admin.tokenHeaders, accountId = 1) {
  return t.inject({
    method,
    url: `/api/v1/accounts/${accountId}${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
const unique = () => Math.random().toString(36).slice(2, 8);

let displayIds = 0;
/** A conversation (and its contact) carrying `labels`, in the given account. */
async function conversationWithLabels(accountId: number, labels: string[]) {
  displayIds++;
  const inbox = await createWhatsAppInbox(t, { accountId });
  const contact = await t.db
    .insertInto('contacts')
    .values({ account_id: accountId, name: 'Cliente', custom_attributes: '{}', additional_attributes: '{}', labels })
    .returning('id')
    .executeTakeFirstOrThrow();
  const contactInbox = await t.db
    .insertInto('contact_inboxes')
    .values({ account_id: accountId, contact_id: contact.id, inbox_id: inbox.id, source_id: `55319${displayIds}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const conversation = await t.db
    .insertInto('conversations')
    .values({
      account_id: accountId,
      display_id: 10_000 + displayIds,
      inbox_id: inbox.id,
      contact_id: contact.id,
      contact_inbox_id: contactInbox.id,
      custom_attributes: '{}',
      additional_attributes: '{}',
      labels,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { conversationId: conversation.id, contactId: contact.id };
}

async function labelsOf(ids: { conversationId: number; contactId: number }) {
  const conversation = await t.db
    .selectFrom('conversations')
    .select('labels')
    .where('id', '=', ids.conversationId)
    .executeTakeFirstOrThrow();
  const contact = await t.db
    .selectFrom('contacts')
    .select('labels')
    .where('id', '=', ids.contactId)
    .executeTakeFirstOrThrow();
  return { conversation: conversation.labels, contact: contact.labels };
}

describe('teams', () => {
  it('creates, shows, lists, updates and deletes a team in Chatwoot’s shape', async () => {
    const name = `Eventos ${unique()}`;
    const created = await api('POST', '/teams', { name, description: 'Casamentos e festas' });
    expect(created.statusCode).toBe(200);
    const team = created.json();
    expect(team).toEqual({
      id: expect.any(Number),
      name,
      description: 'Casamentos e festas',
      allow_auto_assign: true,
      account_id: 1,
      is_member: false,
    });
    expect((await api('GET', `/teams/${team.id}`)).json()).toEqual(team);
    expect((await api('GET', '/teams')).json()).toContainEqual(team);
    const updated = await api('PATCH', `/teams/${team.id}`, { allow_auto_assign: false, description: '' });
    expect(updated.json()).toMatchObject({ name, allow_auto_assign: false, description: '' });
    const deleted = await api('DELETE', `/teams/${team.id}`);
    expect(deleted.statusCode).toBe(200);
    expect((await api('GET', `/teams/${team.id}`)).statusCode).toBe(404);
  });

  it('refuses a second team with the same name, whatever the case', async () => {
    const name = `Suporte ${unique()}`;
    await api('POST', '/teams', { name });
    const again = await api('POST', '/teams', { name: name.toUpperCase() });
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ error: 'unprocessable', details: [{ field: 'name', message: 'já em uso' }] });
    const other = (await api('POST', '/teams', { name: `Outro ${unique()}` })).json();
    expect((await api('PATCH', `/teams/${other.id}`, { name })).statusCode).toBe(422);
  });

  it('adds, replaces and removes team members as sets, and marks is_member', async () => {
    const team = (await api('POST', '/teams', { name: `Comercial ${unique()}` })).json();
    const url = `/teams/${team.id}/team_members`;
    const ids = (response: { json(): Array<{ id: number }> }) =>
      response
        .json()
        .map((member) => member.id)
        .sort((a, b) => a - b);
    const both = [admin.user.id, agent.user.id].sort((a, b) => a - b);

    expect(ids(await api('POST', url, { user_ids: [agent.user.id] }))).toEqual([agent.user.id]);
    expect(ids(await api('POST', url, { user_ids: [admin.user.id] }))).toEqual(both);
    expect((await api('GET', `/teams/${team.id}`)).json().is_member).toBe(true);
    expect((await api('GET', `/teams/${team.id}`, undefined, agent.tokenHeaders)).json().is_member).toBe(true);
    expect(ids(await api('PATCH', url, { user_ids: [admin.user.id] }))).toEqual([admin.user.id]);
    expect(ids(await api('GET', url))).toEqual([admin.user.id]);
    expect((await api('DELETE', url, { user_ids: [admin.user.id] })).statusCode).toBe(200);
    expect((await api('GET', url)).json()).toEqual([]);
    expect((await api('POST', url, { user_ids: [999_999] })).statusCode).toBe(422);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'team')
      .where('target_id', '=', String(team.id))
      .execute();
    expect(audit.filter((row) => row.action === 'team.members_changed')).toHaveLength(4);
  });

  it('lets agents read teams but not change them (403)', async () => {
    const team = (await api('POST', '/teams', { name: `Leitura ${unique()}` })).json();
    const headers = agent.tokenHeaders;
    expect((await api('GET', '/teams', undefined, headers)).statusCode).toBe(200);
    expect((await api('GET', `/teams/${team.id}/team_members`, undefined, headers)).statusCode).toBe(200);
    const attempts = [
      await api('POST', '/teams', { name: `Agente ${unique()}` }, headers),
      await api('PATCH', `/teams/${team.id}`, { name: 'x' }, headers),
      await api('DELETE', `/teams/${team.id}`, undefined, headers),
      await api('POST', `/teams/${team.id}/team_members`, { user_ids: [agent.user.id] }, headers),
      await api('PATCH', `/teams/${team.id}/team_members`, { user_ids: [] }, headers),
      await api('DELETE', `/teams/${team.id}/team_members`, { user_ids: [] }, headers),
    ];
    expect(attempts.map((response) => response.statusCode)).toEqual([403, 403, 403, 403, 403, 403]);
  });

  it('answers 404 for another account’s team', async () => {
    const team = (await api('POST', '/teams', { name: `Privado ${unique()}` })).json();
    for (const [method, url] of [
      ['GET', `/teams/${team.id}`],
      ['DELETE', `/teams/${team.id}`],
      ['GET', `/teams/${team.id}/team_members`],
    ] as const) {
      expect((await api(method, url, undefined, admin.tokenHeaders, otherAccountId)).statusCode).toBe(404);
    }
    const patch = await api('PATCH', `/teams/${team.id}`, { name: 'roubado' }, admin.tokenHeaders, otherAccountId);
    expect(patch.statusCode).toBe(404);
    expect((await api('GET', `/teams/${team.id}`)).json().name).toBe(team.name);
  });
});

describe('labels', () => {
  it('stores titles lowercase, accepts accented letters and lists them in a payload', async () => {
    const title = `Orçamento-Urgente_${unique()}`;
    const created = await api('POST', '/labels', { title, description: 'Responder hoje', color: '#FF0000' });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toEqual({
      id: expect.any(Number),
      title: title.toLowerCase(),
      description: 'Responder hoje',
      color: '#FF0000',
      show_on_sidebar: true,
    });
    expect((await api('GET', `/labels/${created.json().id}`)).json()).toEqual(created.json());
    const list = (await api('GET', '/labels', undefined, agent.tokenHeaders)).json();
    expect(list.payload).toContainEqual(created.json());
  });

  it('refuses invalid and duplicate titles with 422, and bad fields with 400', async () => {
    expect((await api('POST', '/labels', { title: 'com espaço' })).statusCode).toBe(422);
    expect((await api('POST', '/labels', { title: 'ponto.final' })).statusCode).toBe(422);
    const title = `vip-${unique()}`;
    await api('POST', '/labels', { title });
    const duplicate = await api('POST', '/labels', { title: title.toUpperCase() });
    expect(duplicate.statusCode).toBe(422);
    expect(duplicate.json().details).toEqual([{ field: 'title', message: 'já em uso' }]);
    expect((await api('POST', '/labels', { title: 'cor', color: 'vermelho' })).statusCode).toBe(400);
    expect((await api('POST', '/labels', {})).statusCode).toBe(400);
    expect((await api('GET', '/labels/abc')).statusCode).toBe(400);
  });

  it('renames a label in this account’s conversations and contacts, and nowhere else', async () => {
    const title = `novo-${unique()}`;
    const label = (await api('POST', '/labels', { title })).json();
    const ours = await conversationWithLabels(1, ['cliente', title, 'vip']);
    const alreadyRenamed = await conversationWithLabels(1, [title, 'casamento']);
    const theirs = await conversationWithLabels(otherAccountId, [title]);

    const renamed = await api('PATCH', `/labels/${label.id}`, { title: 'Casamento' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().title).toBe('casamento');
    expect(await labelsOf(ours)).toEqual({
      conversation: ['cliente', 'casamento', 'vip'],
      contact: ['cliente', 'casamento', 'vip'],
    });
    expect(await labelsOf(alreadyRenamed)).toEqual({ conversation: ['casamento'], contact: ['casamento'] });
    expect(await labelsOf(theirs)).toEqual({ conversation: [title], contact: [title] });
  });

  it('deletes a label and removes it from this account’s conversations and contacts', async () => {
    const title = `sair-${unique()}`;
    const label = (await api('POST', '/labels', { title })).json();
    const ours = await conversationWithLabels(1, [title, 'fica']);
    const theirs = await conversationWithLabels(otherAccountId, [title]);
    expect((await api('DELETE', `/labels/${label.id}`)).statusCode).toBe(200);
    expect((await api('GET', `/labels/${label.id}`)).statusCode).toBe(404);
    expect(await labelsOf(ours)).toEqual({ conversation: ['fica'], contact: ['fica'] });
    expect(await labelsOf(theirs)).toEqual({ conversation: [title], contact: [title] });
  });

  it('leaves conversations untouched when a rename fails', async () => {
    const taken = (await api('POST', '/labels', { title: `ocupado-${unique()}` })).json();
    const label = (await api('POST', '/labels', { title: `livre-${unique()}` })).json();
    const ours = await conversationWithLabels(1, [label.title]);
    expect((await api('PATCH', `/labels/${label.id}`, { title: taken.title })).statusCode).toBe(422);
    expect(await labelsOf(ours)).toEqual({ conversation: [label.title], contact: [label.title] });
  });

  it('lets only administrators change labels and hides other accounts’ labels', async () => {
    const label = (await api('POST', '/labels', { title: `restrito-${unique()}` })).json();
    const headers = agent.tokenHeaders;
    expect((await api('POST', '/labels', { title: `agente-${unique()}` }, headers)).statusCode).toBe(403);
    expect((await api('PATCH', `/labels/${label.id}`, { color: '#000000' }, headers)).statusCode).toBe(403);
    expect((await api('DELETE', `/labels/${label.id}`, undefined, headers)).statusCode).toBe(403);
    for (const method of ['GET', 'DELETE'] as const) {
      expect((await api(method, `/labels/${label.id}`, undefined, admin.tokenHeaders, otherAccountId)).statusCode).toBe(
        404,
      );
    }
    expect(
      (await api('GET', '/labels', undefined, admin.tokenHeaders, otherAccountId)).json().payload,
    ).not.toContainEqual(label);
  });
});

describe('canned responses', () => {
  it('creates one with variables kept verbatim and lists a bare array', async () => {
    const shortCode = `ola-${unique()}`;
    const created = await api('POST', '/canned_responses', {
      short_code: shortCode,
      content: 'Olá, {{contact.name}}! Como podemos ajudar?',
    });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toEqual({
      id: expect.any(Number),
      account_id: 1,
      short_code: shortCode,
      content: 'Olá, {{contact.name}}! Como podemos ajudar?',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const list = await api('GET', '/canned_responses', undefined, agent.tokenHeaders);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toContainEqual(created.json());
  });

  it('searches short codes and content, short codes that start with the search first', async () => {
    const tag = unique();
    await api('POST', '/canned_responses', { short_code: `z-${tag}-texto`, content: 'qualquer' });
    await api('POST', '/canned_responses', { short_code: `b-outro-${tag}`, content: `fala de ${tag}` });
    await api('POST', '/canned_responses', { short_code: `${tag}-preco`, content: 'Nosso preço é 100% justo' });
    const found = (await api('GET', `/canned_responses?search=${tag.toUpperCase()}`)).json();
    expect(found.map((item: { short_code: string }) => item.short_code)).toEqual([
      `${tag}-preco`,
      `b-outro-${tag}`,
      `z-${tag}-texto`,
    ]);
    const percent = (await api('GET', `/canned_responses?search=${encodeURIComponent('100%')}`)).json();
    expect(percent.map((item: { short_code: string }) => item.short_code)).toEqual([`${tag}-preco`]);
  });

  it('updates with PATCH or PUT, refuses duplicate short codes with 422 and deletes', async () => {
    const first = (await api('POST', '/canned_responses', { short_code: `um-${unique()}`, content: 'um' })).json();
    const second = (await api('POST', '/canned_responses', { short_code: `dois-${unique()}`, content: 'dois' })).json();
    const patched = await api('PATCH', `/canned_responses/${first.id}`, { content: 'um, atualizado' });
    expect(patched.json()).toMatchObject({ short_code: first.short_code, content: 'um, atualizado' });
    const put = await api('PUT', `/canned_responses/${first.id}`, {
      short_code: `${first.short_code}-b`,
      content: 'um b',
    });
    expect(put.json()).toMatchObject({ short_code: `${first.short_code}-b`, content: 'um b' });
    const clash = await api('PATCH', `/canned_responses/${second.id}`, {
      short_code: put.json().short_code.toUpperCase(),
    });
    expect(clash.statusCode).toBe(422);
    expect(clash.json().details).toEqual([{ field: 'short_code', message: 'já em uso' }]);
    const duplicate = await api('POST', '/canned_responses', { short_code: second.short_code, content: 'x' });
    expect(duplicate.statusCode).toBe(422);
    expect((await api('DELETE', `/canned_responses/${second.id}`)).statusCode).toBe(200);
    expect((await api('DELETE', `/canned_responses/${second.id}`)).statusCode).toBe(404);
  });

  it('answers bad input with 400, agents with 403 and other accounts with 404', async () => {
    expect((await api('POST', '/canned_responses', { short_code: 'sem-texto' })).statusCode).toBe(400);
    expect((await api('POST', '/canned_responses', { short_code: 'com espaço', content: 'x' })).statusCode).toBe(400);
    const item = (await api('POST', '/canned_responses', { short_code: `meu-${unique()}`, content: 'x' })).json();
    const headers = agent.tokenHeaders;
    expect(
      (await api('POST', '/canned_responses', { short_code: `ag-${unique()}`, content: 'x' }, headers)).statusCode,
    ).toBe(403);
    expect((await api('PATCH', `/canned_responses/${item.id}`, { content: 'y' }, headers)).statusCode).toBe(403);
    expect((await api('DELETE', `/canned_responses/${item.id}`, undefined, headers)).statusCode).toBe(403);
    const cross = await api(
      'PATCH',
      `/canned_responses/${item.id}`,
      { content: 'z' },
      admin.tokenHeaders,
      otherAccountId,
    );
    expect(cross.statusCode).toBe(404);
    expect(
      (await api('GET', '/canned_responses', undefined, admin.tokenHeaders, otherAccountId))
        .json()
        .map((entry: { id: number }) => entry.id),
    ).not.toContain(item.id);
  });
});
