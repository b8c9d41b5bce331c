import { type SqlBool, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameCondition, readPersonQuery } from '../../src/crm/person-search.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
let accountId: number;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn();
  // An account of its own: the names below are the only contacts searched.
  accountId = (await t.app.services.users.createAccount('Busca por nome')).id;
  await t.app.services.users.addMembership({ accountId, userId: admin.user.id, role: 'administrator' });
  t.app.services.memberships.forget(admin.user.id);
});
afterAll(async () => {
  await t.close();
});

const NAMES = [
  'Ana Maria Silva',
  "Beatriz D'Ávila Souza",
  'Ana-Maria Costa',
  'João123 Pereira',
  'José da Silva Júnior',
  'ÉLIS Ñandú',
  'Zoë O’Neil',
  'joao.silva@example.com',
  'Maria 2ª Via',
  'İsmail Straße',
  '李小龙',
  'x',
  '',
];

const QUERIES = [
  'ana',
  'Ana sil',
  'maria ana',
  'mar',
  'd',
  "d'ávila",
  'ávila sou',
  'ana-maria',
  'maria costa',
  'joão1',
  'joão123 per',
  'jose',
  'josé jún',
  'élis',
  'elis',
  'ñan',
  'zoë',
  'zo neil',
  'joao',
  'joao.silva',
  'example com',
  '2',
  '2ª',
  'ism',
  'straß',
  '李',
  'x',
  'xy',
  'silva júnior maria',
];

describe('name search', () => {
  it('finds exactly the names the prefix tsquery finds, through the index of word beginnings', async () => {
    await t.db
      .insertInto('contacts')
      .values(
        NAMES.map((name) => ({ account_id: accountId, name, custom_attributes: '{}', additional_attributes: '{}' })),
      )
      .execute();
    const ids = (condition: ReturnType<typeof sql<SqlBool>>) =>
      t.db
        .selectFrom('contacts')
        .select('id')
        .where('account_id', '=', accountId)
        .where(condition)
        .orderBy('id')
        .execute()
        .then((rows) => rows.map((row) => row.id));
    let matched = 0;
    for (const q of QUERIES) {
      const { nameQuery, nameWords } = readPersonQuery(q);
      if (!nameQuery || !nameWords) throw new Error(`no words in ${q}`);
      const expected = await ids(sql<SqlBool>`to_tsvector('simple', name) @@ to_tsquery('simple', ${nameQuery})`);
      expect(await ids(nameCondition(nameWords)), q).toEqual(expected);
      if (expected.length > 0) matched++;
    }
    // Most queries do find names (an index that matched nothing would agree with "xy" only).
    expect(matched).toBeGreaterThan(QUERIES.length / 2);
  });

  it('counts a search whatever the page, also past the last one', async () => {
    const contacts = await t.db
      .insertInto('contacts')
      .values(
        Array.from({ length: 27 }, (_, i) => ({
          account_id: accountId,
          name: `Paginada Cliente ${i}`,
          custom_attributes: '{}',
          additional_attributes: '{}',
        })),
      )
      .returning('id')
      .execute();
    await t.db
      .insertInto('clients')
      .values(contacts.map(({ id }) => ({ account_id: accountId, contact_id: id, address: '{}' })))
      .execute();
    const get = async (url: string) =>
      (
        await t.inject({ method: 'GET', url: `/api/v1/accounts/${accountId}${url}`, headers: admin.tokenHeaders })
      ).json();

    const first = await get('/clients?q=pagin%20cli');
    expect(first.meta).toEqual({ count: 27, current_page: 1 });
    expect(first.payload).toHaveLength(25);
    expect(first.payload[0].contact_id).toBe(contacts.at(-1)?.id);
    const second = await get('/clients?q=pagin%20cli&page=2');
    expect(second.meta).toEqual({ count: 27, current_page: 2 });
    expect(second.payload.map((row: { name: string }) => row.name)).toEqual([
      'Paginada Cliente 1',
      'Paginada Cliente 0',
    ]);
    expect((await get('/clients?q=pagin%20cli&page=3')).meta).toEqual({ count: 27, current_page: 3 });
    expect((await get('/clients?q=paginadas')).meta).toEqual({ count: 0, current_page: 1 });
  });
});
