import type { Kysely } from 'kysely';
import type { Conversation, Database } from '../db/schema.js';

/** What `{{contact.name}}`-style variables in a reply (usually from a canned response) can refer to. */
export interface VariableContext {
  contact: { name: string; email: string | null; phone_number: string | null };
  agent: { name: string; email: string };
  conversation: { display_id: number };
  inbox: { name: string };
  account: { name: string };
}

/** One `{{object.field}}` or `{{object.field | filter}}` of a text, as written. */
export interface VariableToken {
  whole: string;
  object: string;
  field: string;
  filter: string | null;
}

// Anything between double braces is a variable candidate; its inside must then parse as `object.field [| filter]`.
const CANDIDATE = /\{\{([^{}]*)\}\}/g;
const INSIDE = /^\s*([a-z_]+)\.([a-z_]+)\s*(?:\|\s*([a-z_]+)\s*)?$/;

/** Every `{{…}}` of a text, in order; `token` is null when its inside does not parse (e.g. `{{cliente}}`, `{{1}}`). */
export function scanVariables(content: string): Array<{ whole: string; token: VariableToken | null }> {
  return [...content.matchAll(CANDIDATE)].map((match) => ({ whole: match[0], token: parseInside(match[0], match[1]) }));
}

function parseInside(whole: string, inside = ''): VariableToken | null {
  const parts = INSIDE.exec(inside);
  if (!parts) return null;
  return { whole, object: parts[1] ?? '', field: parts[2] ?? '', filter: parts[3] ?? null };
}

/** Replaces each `{{…}}` of a text with what `replace` returns for it (the shared parser of every variable syntax). */
export function replaceVariables(content: string, replace: (token: VariableToken | null, whole: string) => string) {
  return content.replace(CANDIDATE, (whole: string, inside: string) => replace(parseInside(whole, inside), whole));
}

export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? '';
const lastName = (name: string) => {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? (parts.at(-1) ?? '') : '';
};

function lookup(context: VariableContext, object: string, field: string): string | undefined {
  switch (`${object}.${field}`) {
    case 'contact.name':
      return context.contact.name;
    case 'contact.first_name':
      return firstName(context.contact.name);
    case 'contact.last_name':
      return lastName(context.contact.name);
    case 'contact.email':
      return context.contact.email ?? '';
    case 'contact.phone_number':
      return context.contact.phone_number ?? '';
    case 'agent.name':
      return context.agent.name;
    case 'agent.first_name':
      return firstName(context.agent.name);
    case 'agent.last_name':
      return lastName(context.agent.name);
    case 'agent.email':
      return context.agent.email;
    case 'conversation.id':
      return String(context.conversation.display_id);
    case 'inbox.name':
      return context.inbox.name;
    case 'account.name':
      return context.account.name;
    default:
      return undefined;
  }
}

/**
 * Fills Chatwoot's message variables ({{contact.name}}, {{contact.first_name}}, {{agent.name}},
 * {{conversation.id}}, {{inbox.name}}, {{account.name}}…). An unknown variable stays as typed, so the
 * attendant sees it instead of the customer receiving a sentence with a hole in it.
 */
export function renderMessageVariables(content: string, context: VariableContext): string {
  // Filters (`{{contact.name | x}}`) belong to notification templates; here they stay as typed.
  return replaceVariables(content, (token, whole) =>
    token && token.filter === null ? (lookup(context, token.object, token.field) ?? whole) : whole,
  );
}

export const hasMessageVariables = (content: string) => content.includes('{{');

/** Loads what the variables of a reply in this conversation, written by this agent, can refer to. */
export async function loadVariableContext(
  db: Kysely<Database>,
  conversation: Conversation,
  userId: number,
): Promise<VariableContext> {
  const row = await db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
    .innerJoin('accounts', 'accounts.id', 'conversations.account_id')
    .select([
      'contacts.name as contact_name',
      'contacts.email as contact_email',
      'contacts.phone_number as contact_phone',
      'inboxes.name as inbox_name',
      'accounts.name as account_name',
    ])
    .where('conversations.id', '=', conversation.id)
    .executeTakeFirstOrThrow();
  const agent = await db
    .selectFrom('users')
    .select(['name', 'display_name', 'email'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return {
    contact: { name: row.contact_name, email: row.contact_email, phone_number: row.contact_phone },
    agent: { name: agent.display_name ?? agent.name, email: agent.email },
    conversation: { display_id: conversation.display_id },
    inbox: { name: row.inbox_name },
    account: { name: row.account_name },
  };
}
