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

const VARIABLE = /\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}/g;

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? '';
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
  return content.replace(VARIABLE, (whole, object: string, field: string) => lookup(context, object, field) ?? whole);
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
