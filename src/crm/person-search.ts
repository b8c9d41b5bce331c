import { expressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { likeEscape } from '../inbox/contact-filter.js';
import type { ContactCondition } from '../inbox/contacts.repo.js';

type ContactEb = Parameters<ContactCondition>[0];

import { normalizePhone } from '../shared/phone.js';
import { documentSearchKey } from './documents.js';

// The CRM's person search (clients, providers, the client picker) must stay fast on an account with a
// million contacts: every branch below matches an index of migration 0012 or 0014 (0006 for documents),
// so PostgreSQL combines index scans instead of reading every contact. Hence prefixes, not "contains".

/** What `q` asks for, read once: a document, a phone (whole or its beginning), name words, an e-mail start. */
export interface PersonQuery {
  document: string | null;
  /** The matching key of a whole phone number (either 9th-digit form). */
  phoneKey: string | null;
  /** Beginnings of phone_key the typed digits may be ("11 9876" → 5511 9876…, 5511 876…). */
  phonePrefixes: string[];
  /** What the name search means, as a to_tsquery text: every word typed must start a word of the name ("ana:* & sil:*"). */
  nameQuery: string | null;
  /** The same words as one text ("ana sil"): what nameCondition searches. */
  nameWords: string | null;
  emailPrefix: string | null;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Beginnings of phone_key for typed digits: with or without the country code, and without a mobile's 9th digit. */
export function phoneKeyPrefixes(text: string, digits: string): string[] {
  // "+…" has its country code; bare digits are Brazilian, unless they already start with 55 (also DDD 55).
  const bases = text.startsWith('+') ? [digits] : digits.startsWith('55') ? [digits, `55${digits}`] : [`55${digits}`];
  const prefixes = new Set(bases);
  // The key drops the 9 after the DDD: "11 98765" is stored as 5511 8765….
  for (const base of bases)
    if (base.startsWith('55') && base[4] === '9') prefixes.add(`${base.slice(0, 4)}${base.slice(5)}`);
  return [...prefixes];
}

export function readPersonQuery(q: string): PersonQuery {
  const text = q.trim();
  const digits = text.replace(/\D/g, '');
  const looksLikePhone = /^[+\d\s().-]+$/.test(text) && digits.length >= 3;
  const words = looksLikePhone ? [] : (text.toLowerCase().match(WORD) ?? []);
  return {
    document: documentSearchKey(text),
    phoneKey: looksLikePhone ? (normalizePhone(text)?.key ?? null) : null,
    phonePrefixes: looksLikePhone ? phoneKeyPrefixes(text, digits) : [],
    nameQuery: words.length > 0 ? words.map((word) => `${word}:*`).join(' & ') : null,
    nameWords: words.length > 0 ? words.join(' ') : null,
    emailPrefix: !looksLikePhone && text !== '' && !/\s/.test(text) ? text.toLowerCase() : null,
  };
}

/**
 * `to_tsvector('simple', name) @@ to_tsquery('simple', nameQuery)` through the expression of
 * contacts_name_prefixes_idx (migration 0014): the name's words with all their beginnings hold every
 * lexeme of the typed words. A prefix tsquery would merge every row of each matching word instead.
 * No lexeme at all (NULL) matches nothing, as an empty tsquery does.
 */
export function nameCondition(nameWords: string) {
  return sql<SqlBool>`contact_name_prefixes(${sql.ref('contacts.name')}) @> nullif(tsvector_to_array(to_tsvector('simple', ${nameWords}::text)), '{}')`;
}

/**
 * The account's contacts a person search finds: name (any word by its beginning), e-mail and phone by their
 * beginning, whole phone (either form), CPF/CNPJ. One SELECT per way of matching, joined by UNION: each
 * is then answered by its own index alone. Written as one WHERE with OR, PostgreSQL combines the indexes
 * too but re-checks the whole OR on every row it fetches, recomputing each name's word beginnings: a first
 * name alone (17,000 contacts in a million) took most of a second.
 */
export function personSearchIds(accountId: number, q: string) {
  const eb = expressionBuilder<Database, never>();
  const query = readPersonQuery(q);
  const branches: ContactCondition[] = [
    ...(query.document ? [(e: ContactEb) => e('contacts.document', '=', query.document)] : []),
    ...(query.phoneKey ? [(e: ContactEb) => e('contacts.phone_key', '=', query.phoneKey)] : []),
    ...query.phonePrefixes.map((prefix) => (e: ContactEb) => e('contacts.phone_key', 'like', `${prefix}%`)),
    ...(query.nameWords ? [() => nameCondition(query.nameWords as string)] : []),
    ...(query.emailPrefix
      ? [
          (e: ContactEb) =>
            e(sql<string>`lower(${sql.ref('contacts.email')})`, 'like', `${likeEscape(query.emailPrefix as string)}%`),
        ]
      : []),
  ];
  const select = (condition: ContactCondition) =>
    eb.selectFrom('contacts').select('contacts.id').where('contacts.account_id', '=', accountId).where(condition);
  const [first, ...rest] = branches;
  if (!first) return select(() => sql<SqlBool>`false`);
  return rest.reduce((union, branch) => union.union(select(branch)), select(first));
}
