import type { Kysely } from 'kysely';
import {
  checkTemplateParameters,
  type TemplateDefinition,
  templateDefinition,
} from '../../channels/whatsapp/template-validation.js';
import type { Database } from '../../db/schema.js';
import type { RenderedWhatsapp } from './render.js';
import type { WhatsappVariant } from './template-schemas.js';
import type { FieldIssue } from './template-text.js';

type Executor = Kysely<Database>;

// The account's inboxes may each have synced the same WABA: an approved copy wins, then the oldest inbox.
async function rowsNamed(db: Executor, accountId: number, name: string) {
  return db
    .selectFrom('message_templates')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .orderBy('inbox_id')
    .execute();
}

/** The Meta template a variant names, as the account last synced it; null when not synced. */
export async function syncedDefinition(
  db: Executor,
  accountId: number,
  name: string,
  language: string,
): Promise<TemplateDefinition | null> {
  const rows = (await rowsNamed(db, accountId, name)).filter((row) => row.language === language);
  const row = rows.find((candidate) => candidate.status === 'APPROVED') ?? rows[0];
  return row ? templateDefinition(row) : null;
}

// checkTemplateParameters names Cloud API fields (template.body.2, 1-based); the editor knows its own.
function ownField(field: string): string {
  const [, part, position] = /^template\.(header|body|buttons)(?:\.(.+))?$/.exec(field) ?? [];
  if (!part) return 'whatsapp';
  const key = part === 'buttons' ? 'button_payloads' : `${part}_params`;
  if (position === undefined) return `whatsapp.${key}`;
  const shifted = part !== 'buttons' && /^\d+$/.test(position) ? String(Number(position) - 1) : position;
  return `whatsapp.${key}.${shifted}`;
}

/**
 * When the account has synced its WhatsApp templates, the variant must name one of them and fit it
 * (parameter counts, quick-reply buttons), checked with example values. Without any synced template
 * (SMS-only accounts, a WABA not connected yet) the name cannot be checked and is accepted.
 */
export async function checkSyncedTemplate(
  db: Executor,
  accountId: number,
  variant: WhatsappVariant,
  rendered: RenderedWhatsapp,
): Promise<FieldIssue[]> {
  const anySynced = await db
    .selectFrom('message_templates')
    .select('id')
    .where('account_id', '=', accountId)
    .limit(1)
    .executeTakeFirst();
  if (!anySynced) return [];
  const rows = await rowsNamed(db, accountId, variant.template_name);
  if (rows.length === 0) {
    return [
      {
        field: 'whatsapp.template_name',
        message: `o modelo ${variant.template_name} não está entre os modelos sincronizados da Meta`,
      },
    ];
  }
  const definition = await syncedDefinition(db, accountId, variant.template_name, variant.language);
  if (!definition) {
    const languages = [...new Set(rows.map((row) => row.language))].join(', ');
    return [
      {
        field: 'whatsapp.language',
        message: `o modelo ${variant.template_name} não existe no idioma ${variant.language} (idiomas: ${languages})`,
      },
    ];
  }
  return checkTemplateParameters(definition, rendered).map((issue) => ({
    field: ownField(issue.field),
    message: issue.message,
  }));
}

/** Meta's approved body with the rendered parameters in place of {{1}} / {{nome}} (what the recipient reads). */
export function bodyText(definition: TemplateDefinition, rendered: RenderedWhatsapp): string | null {
  const body = definition.components.find((component) => component.type.toUpperCase() === 'BODY');
  if (body?.text === undefined) return null;
  const component = rendered.components.find((candidate) => candidate.type === 'body');
  const parameters = (Array.isArray(component?.parameters) ? component.parameters : []) as Array<{
    text?: string;
    parameter_name?: string;
  }>;
  return body.text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, key: string) => {
    const parameter = /^\d+$/.test(key)
      ? parameters[Number(key) - 1]
      : parameters.find((candidate) => candidate.parameter_name === key);
    return parameter?.text ?? whole;
  });
}
