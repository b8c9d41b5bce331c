/**
 * Seeds a large CRM account straight into PostgreSQL with a few INSERT … SELECT generate_series statements
 * (the API would take hours): contacts (a quarter of them clients, some providers with services and
 * regions), events spread over three years with staffing and assignments. Deterministic: the same scale
 * gives the same rows, so figures of two runs compare.
 */
import type pg from 'pg';

export interface SeedSize {
  contacts: number;
  providers: number;
  events: number;
}

export interface SeededCrm {
  contacts: number;
  clients: number;
  providers: number;
  events: number;
  assignments: number;
}

// Long lists written as lines of text: one word (or, for places, one ;-separated name) each.
const words = (...lines: string[]) => lines.join(' ').split(' ');
const places = (...lines: string[]) => lines.join(';').split(';');
const FIRST_NAMES = words(
  'Ana Adriana Aline Amanda André Antônio Beatriz Bruna Bruno Camila Carla Carlos Cláudia Daniel',
  'Daniela Diego Eduardo Elaine Fábio Felipe Fernanda Francisco Gabriel Gabriela Gustavo Helena',
  'Henrique Igor Isabel Jéssica João Jorge José Juliana Larissa Letícia Lucas Luciana Luiz Marcelo',
  'Marcos Maria Mariana Marina Mateus Natália Patrícia Paulo Pedro Rafael Renata Ricardo Rodrigo Sandra',
  'Sérgio Simone Tatiane Thiago Vanessa Vinícius',
);
const LAST_NAMES = words(
  'Almeida Alves Andrade Araújo Barbosa Barros Batista Borges Campos Cardoso Carvalho Castro Costa',
  'Cunha Dias Duarte Farias Fernandes Ferreira Freitas Garcia Gomes Gonçalves Lima Lopes Machado',
  'Marques Martins Medeiros Melo Mendes Miranda Monteiro Moraes Moreira Moura Nascimento Nogueira Nunes',
  'Oliveira Pereira Pinto Ramos Reis Ribeiro Rocha Rodrigues Santana Santos Silva Soares Souza Teixeira',
  'Vieira',
);
export const DDDS = ['11', '21', '31', '41', '51', '61', '71', '81', '85', '19', '27', '47', '48', '62', '92'];
const SERVICES = ['Garçom', 'DJ', 'Bartender', 'Montagem', 'Segurança', 'Recepcionista', 'Cozinheiro', 'Limpeza'];
const CITIES = places(
  'São Paulo;Guarulhos;Osasco;Santo André;São Bernardo do Campo;Campinas;Santos;Jundiaí;Sorocaba',
  'Barueri;Mogi das Cruzes;Diadema',
);
/** Local start hours of events (the business's time zone): lunches, afternoons and evenings. */
const START_HOURS = [10, 14, 19, 20];
/** Events run from two years ago to a year ahead. */
const PAST_DAYS = 730;
const DAYS = 1095;
/** The subscriber part of contact i's mobile is SUBSCRIBER_BASE + i (8 digits, a valid mobile without the 9). */
export const SUBSCRIBER_BASE = 60_000_000;

/** Contact i's phone as typed by a person, with or without the 9th digit. */
export function phoneOf(i: number, withNinth: boolean): string {
  const ddd = DDDS[Math.floor(i / 7) % DDDS.length] ?? '11';
  const subscriber = String(SUBSCRIBER_BASE + i);
  return withNinth
    ? `(${ddd}) 9${subscriber.slice(0, 4)}-${subscriber.slice(4)}`
    : `(${ddd}) ${subscriber.slice(0, 4)}-${subscriber.slice(4)}`;
}

async function step<T>(label: string, run: () => Promise<T>, log: (line: string) => void): Promise<T> {
  const startedAt = performance.now();
  const result = await run();
  log(`    ${label}: ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  return result;
}

/** Ids of one statement's rows must be consecutive, so later rows can point at "first id + n". */
async function consecutiveIds(client: pg.Client, table: string, accountId: number) {
  const { rows } = await client.query<{ first: string; last: string; n: string }>(
    `SELECT min(id) AS first, max(id) AS last, count(*) AS n FROM ${table} WHERE account_id = $1`,
    [accountId],
  );
  const row = rows[0];
  const first = Number(row?.first);
  const n = Number(row?.n);
  if (!row || Number(row.last) - first + 1 !== n) throw new Error(`${table}: ids are not consecutive`);
  return { first, n };
}

/** Seeds the account (freshly migrated, with no CRM rows yet) and refreshes the planner's statistics. */
export async function seedCrm(
  client: pg.Client,
  accountId: number,
  size: SeedSize,
  timeZone: string,
  log: (line: string) => void,
): Promise<SeededCrm> {
  // A throwaway database: a helper function there computes CPF check digits for a million rows.
  await client.query(`
    CREATE OR REPLACE FUNCTION bench_cpf(n bigint) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE base text := lpad(n::text, 9, '0'); s int := 0; c1 int; c2 int;
    BEGIN
      FOR k IN 1..9 LOOP s := s + substr(base, k, 1)::int * (11 - k); END LOOP;
      c1 := CASE WHEN s % 11 < 2 THEN 0 ELSE 11 - s % 11 END;
      s := c1 * 2;
      FOR k IN 1..9 LOOP s := s + substr(base, k, 1)::int * (12 - k); END LOOP;
      c2 := CASE WHEN s % 11 < 2 THEN 0 ELSE 11 - s % 11 END;
      RETURN base || c1 || c2;
    END $$`);
  // Providers are every providerStep-th contact (offset 1); clients every 4th (offset 0).
  const providerStep = Math.max(2, Math.floor(size.contacts / size.providers));

  await step(
    `${size.contacts.toLocaleString('en-US')} contacts`,
    () =>
      client.query(
        `INSERT INTO contacts (account_id, name, name_source, email, phone_number, phone_key, document, document_kind,
                               last_activity_at, created_at, updated_at)
         SELECT $1, f || ' ' || l1 || ' ' || l2, 'agent',
                CASE WHEN i % 3 = 0 THEN lower(translate(f || '.' || l2, 'áâãàéêíóôõúçÁÂÃÉÍÓÔÚÇ', 'aaaaeeiooouc')) || i || '@example.com.br' END,
                '+55' || ddd || '9' || ($5::bigint + i), '55' || ddd || ($5::bigint + i),
                CASE WHEN i % 5 <> 0 THEN bench_cpf(100000000 + i) END,
                CASE WHEN i % 5 <> 0 THEN 'cpf' END,
                now() - (i % 900) * interval '1 day', now() - (i % 1000) * interval '1 day', now()
         FROM generate_series(1, $2::int) AS i,
              LATERAL (SELECT ($3::text[])[1 + i % array_length($3::text[], 1)] AS f,
                              ($4::text[])[1 + (i / 60) % array_length($4::text[], 1)] AS l1,
                              ($4::text[])[1 + (i / 7) % array_length($4::text[], 1)] AS l2,
                              ($6::text[])[1 + (i / 7) % array_length($6::text[], 1)] AS ddd) AS parts
         ORDER BY i`,
        [accountId, size.contacts, FIRST_NAMES, LAST_NAMES, SUBSCRIBER_BASE, DDDS],
      ),
    log,
  );
  const contacts = await consecutiveIds(client, 'contacts', accountId);

  await step(
    'clients and providers',
    async () => {
      await client.query(
        `INSERT INTO clients (account_id, contact_id, address)
         SELECT $1, $2::bigint + i - 1, jsonb_build_object('city', ($4::text[])[1 + i % array_length($4::text[], 1)])
         FROM generate_series(1, $3::int) AS i WHERE i % 4 = 0 ORDER BY i`,
        [accountId, contacts.first, size.contacts, CITIES],
      );
      await client.query(
        `INSERT INTO service_types (account_id, name) SELECT $1, name FROM unnest($2::text[]) WITH ORDINALITY AS s(name, n) ORDER BY n`,
        [accountId, SERVICES],
      );
      await client.query(
        `INSERT INTO providers (account_id, contact_id, regions, rating)
         SELECT $1, $2::bigint + i - 1,
                ARRAY[($4::text[])[1 + i % 12], ($4::text[])[1 + (i * 5 + 3) % 12]],
                round((3 + (i % 21) / 10.0)::numeric, 2)
         FROM generate_series(1, $3::int) AS i WHERE i % $5 = 1 ORDER BY i`,
        [accountId, contacts.first, size.contacts, CITIES, providerStep],
      );
    },
    log,
  );
  const clients = await consecutiveIds(client, 'clients', accountId);
  const providers = await consecutiveIds(client, 'providers', accountId);
  const types = await consecutiveIds(client, 'service_types', accountId);
  await client.query(
    `INSERT INTO provider_services (provider_id, service_type_id, account_id)
     SELECT p, $3::bigint + p % $4, $1::bigint FROM generate_series($2::bigint, $2::bigint + $5 - 1) AS p
     UNION
     SELECT p, $3::bigint + (p * 3 + 1) % $4, $1::bigint FROM generate_series($2::bigint, $2::bigint + $5 - 1) AS p WHERE p % 2 = 0`,
    [accountId, providers.first, types.first, types.n, providers.n],
  );

  await step(
    `${size.events.toLocaleString('en-US')} events with staffing and assignments`,
    async () => {
      await client.query(
        `INSERT INTO events (account_id, client_id, service_type_id, title, starts_at, ends_at, location, value_cents, status)
         SELECT $1, $2::bigint + (i::bigint * 7919) % $3, $4::bigint + i % $5, 'Evento ' || i, starts_at,
                starts_at + (4 + i % 2) * interval '1 hour',
                jsonb_build_object('city', ($9::text[])[1 + i % 12]), 50000 + (i % 400) * 1000,
                CASE WHEN starts_at < now() THEN CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'done' END
                     WHEN i % 3 = 0 THEN 'confirmed' ELSE 'scheduled' END
         FROM generate_series(1, $6::int) AS i,
              LATERAL (SELECT ((date_trunc('day', now() AT TIME ZONE $7) - $8::int * interval '1 day'
                                + (i % ${DAYS}) * interval '1 day'
                                + ($10::int[])[1 + (i / ${DAYS}) % 4] * interval '1 hour') AT TIME ZONE $7) AS starts_at) AS t
         ORDER BY starts_at`,
        [
          accountId,
          clients.first,
          clients.n,
          types.first,
          types.n,
          size.events,
          timeZone,
          PAST_DAYS,
          CITIES,
          START_HOURS,
        ],
      );
      await client.query(
        `INSERT INTO event_staffing (account_id, event_id, service_type_id, quantity)
         SELECT account_id, id, service_type_id, 1 + id % 3 FROM events WHERE account_id = $1
         UNION ALL
         SELECT account_id, id, $2::bigint + (service_type_id - $2 + 3) % $3, 1 FROM events WHERE account_id = $1 AND id % 2 = 0`,
        [accountId, types.first, types.n],
      );
      // 1–3 providers per event; cancelled events' assignments are cancelled, a few were declined or are still offers.
      await client.query(
        `INSERT INTO assignments (account_id, event_id, provider_id, service_type_id, status, starts_at, ends_at,
                                  offered_at, responded_at)
         SELECT e.account_id, e.id, $2::bigint + (e.id * 37 + k * 1013) % $3, e.service_type_id,
                CASE WHEN e.status = 'cancelled' THEN 'cancelled'
                     WHEN (e.id + k) % 10 = 0 THEN 'declined'
                     WHEN (e.id + k) % 7 = 0 AND e.starts_at > now() THEN 'offered'
                     WHEN k = 1 THEN 'assigned' ELSE 'accepted' END,
                e.starts_at, e.ends_at, e.starts_at - interval '10 days', e.starts_at - interval '9 days'
         FROM events e, generate_series(1, 1 + (e.id % 3)::int) AS k
         WHERE e.account_id = $1`,
        [accountId, providers.first, providers.n],
      );
    },
    log,
  );
  await step('VACUUM ANALYZE', () => client.query('VACUUM ANALYZE'), log);
  const { rows } = await client.query<{ events: string; assignments: string }>(
    'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM assignments) AS assignments',
  );
  return {
    contacts: contacts.n,
    clients: clients.n,
    providers: providers.n,
    events: Number(rows[0]?.events),
    assignments: Number(rows[0]?.assignments),
  };
}
