/**
 * Seeds a benchmark inbox straight into Santana's database with a few generate_series INSERTs (webhooks
 * would take minutes): CONVERSATIONS open conversations, each with its contact, contact inbox and one
 * incoming message, and one of them (the most recent, assigned to the administrator) with LONG_MESSAGES
 * messages. Runs on an account the server has already created (its first start), with the server stopped
 * on PGlite (the data directory has one owner at a time).
 */
import type { DatabaseHandle, SqlSession } from '../src/db/client.js';

export const CONVERSATIONS = 10_000;
export const LONG_MESSAGES = 2_000;
export const LONG_CONTACT_NAME = 'Cliente da Conversa Longa';
export const NEWEST_TEXT = `Última mensagem da conversa longa (#${LONG_MESSAGES})`;

export interface SeededInbox {
  accountId: number;
  /** The display id of the conversation with LONG_MESSAGES messages. */
  longDisplayId: number;
  conversations: number;
  messages: number;
}

const FIRST_NAMES = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elaine', 'Fábio', 'Gabriela', 'Henrique', 'Isabel', 'João'];
const LAST_NAMES = ['Silva', 'Souza', 'Oliveira', 'Santos', 'Pereira', 'Lima', 'Carvalho', 'Ribeiro', 'Almeida'];
const TEXTS = [
  'Boa tarde! Vocês ainda têm data livre para o dia 14?',
  'Pode me mandar o orçamento atualizado com os valores por pessoa, por favor?',
  'Perfeito, combinado. Qual a forma de pagamento: Pix ou cartão em 3x?',
  'O endereço é Rua das Acácias, 230, Jardim Paulista, São Paulo. Chegam às 18h?',
  'Obrigada! Vou confirmar com a minha família e retorno ainda hoje.',
  'Consegue incluir dois bartenders e a equipe de limpeza no fim da festa?',
];

/** A SQL array literal of the given strings (constants of this file, quotes doubled all the same). */
const sqlArray = (values: string[]) => `ARRAY[${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ')}]`;

async function one<T>(session: SqlSession, text: string, params: unknown[] = []): Promise<T> {
  const [row] = await session.query<T>(text, params);
  if (!row) throw new Error(`seeding: nothing found for ${text}`);
  return row;
}

/** `analyze`: refresh the planner's statistics as PostgreSQL's autovacuum would soon after a bulk load. */
export async function seedInbox(database: DatabaseHandle, options: { analyze: boolean }): Promise<SeededInbox> {
  return database.withSession(async (session) => {
    const account = await one<{ id: number; last: number }>(
      session,
      'SELECT id, last_conversation_display_id AS last FROM accounts ORDER BY id LIMIT 1',
    );
    const admin = await one<{ user_id: number }>(
      session,
      `SELECT user_id FROM account_users WHERE account_id = $1 AND role = 'administrator' ORDER BY id LIMIT 1`,
      [account.id],
    );
    const inbox = await one<{ id: number }>(
      session,
      'SELECT id FROM inboxes WHERE account_id = $1 ORDER BY id LIMIT 1',
      [account.id],
    );
    // Every value below is a number read above or a constant of this file.
    const [a, u, i, base] = [account.id, admin.user_id, inbox.id, Number(account.last)];
    // n = 1 is the most recent conversation (the long one); conversation n was last active n × 3 minutes ago.
    await session.exec(`
      BEGIN;
      INSERT INTO contacts (account_id, name, phone_number, phone_key, last_activity_at, created_at, updated_at)
      SELECT ${a},
             CASE WHEN n = 1 THEN '${LONG_CONTACT_NAME}'
                  ELSE (${sqlArray(FIRST_NAMES)})[1 + n % 10] || ' ' || (${sqlArray(LAST_NAMES)})[1 + n % 9] || ' ' || n END,
             '+55119' || (80000000 + n), '5511' || (80000000 + n),
             now() - n * interval '3 minutes', now() - interval '90 days', now()
        FROM generate_series(1, ${CONVERSATIONS}) AS n;

      INSERT INTO contact_inboxes (account_id, contact_id, inbox_id, source_id)
      SELECT ${a}, id, ${i}, '55119' || substr(phone_key, 5)
        FROM contacts WHERE account_id = ${a} AND phone_key LIKE '551180%';

      -- Four in five assigned to the administrator ("Minhas"), the rest unassigned; half already read.
      INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, contact_inbox_id, status, assignee_id,
                                 last_incoming_at, last_activity_at, waiting_since, agent_last_seen_at,
                                 created_at, updated_at)
      SELECT ${a}, ${base} + n, ${i}, contact_id, contact_inbox_id, 'open',
             CASE WHEN n % 5 = 0 THEN NULL ELSE ${u} END,
             at, at, CASE WHEN n % 2 = 1 THEN at END, CASE WHEN n % 2 = 0 THEN at END,
             at - interval '30 days', at
        FROM (SELECT c.id AS contact_id, ci.id AS contact_inbox_id, substr(c.phone_key, 5)::int - 80000000 AS n,
                     now() - (substr(c.phone_key, 5)::int - 80000000) * interval '3 minutes' AS at
                FROM contacts c JOIN contact_inboxes ci ON ci.contact_id = c.id AND ci.inbox_id = ${i}
               WHERE c.account_id = ${a} AND c.phone_key LIKE '551180%') AS seeded;

      INSERT INTO messages (account_id, inbox_id, conversation_id, message_type, content, status, source_id,
                            sender_type, sender_id, sent_at, created_at, updated_at)
      SELECT ${a}, ${i}, id, 0, (${sqlArray(TEXTS)})[1 + display_id % ${TEXTS.length}] || ' (#' || display_id || ')',
             'received', 'wamid.bench.' || display_id, 'contact', contact_id,
             last_activity_at, last_activity_at, last_activity_at
        FROM conversations WHERE account_id = ${a} AND display_id > ${base + 1} AND display_id <= ${base + CONVERSATIONS};

      -- The long one: the client and the administrator take turns, one message every 20 minutes.
      INSERT INTO messages (account_id, inbox_id, conversation_id, message_type, content, status, status_at, source_id,
                            sender_type, sender_id, sent_at, created_at, updated_at)
      SELECT ${a}, ${i}, c.id, (k % 2)::smallint,
             CASE WHEN k = ${LONG_MESSAGES} THEN '${NEWEST_TEXT}'
                  ELSE (${sqlArray(TEXTS)})[1 + k % ${TEXTS.length}] || ' (' || k || '/${LONG_MESSAGES})' END,
             CASE WHEN k % 2 = 0 THEN 'received' ELSE 'read' END, c.last_activity_at,
             'wamid.bench.long.' || k,
             CASE WHEN k % 2 = 0 THEN 'contact' ELSE 'user' END,
             CASE WHEN k % 2 = 0 THEN c.contact_id ELSE ${u} END,
             c.last_activity_at - (${LONG_MESSAGES} - k) * interval '20 minutes',
             c.last_activity_at - (${LONG_MESSAGES} - k) * interval '20 minutes',
             c.last_activity_at - (${LONG_MESSAGES} - k) * interval '20 minutes'
        FROM conversations c CROSS JOIN generate_series(1, ${LONG_MESSAGES}) AS k
       WHERE c.account_id = ${a} AND c.display_id = ${base + 1};

      UPDATE accounts SET last_conversation_display_id = ${base + CONVERSATIONS} WHERE id = ${a};
      COMMIT;
      ${options.analyze ? 'ANALYZE;' : ''}
    `);
    const counts = await one<{ conversations: number; messages: number }>(
      session,
      'SELECT (SELECT count(*) FROM conversations WHERE account_id = $1) AS conversations, ' +
        '(SELECT count(*) FROM messages WHERE account_id = $1) AS messages',
      [a],
    );
    return {
      accountId: a,
      longDisplayId: base + 1,
      conversations: Number(counts.conversations),
      messages: Number(counts.messages),
    };
  });
}
