import type { Db } from '../../db/client.js';
import { type RenderableTemplate, renderNotificationTemplate } from './render.js';
import { loadContextParts } from './render-context.js';
import { bodyText, syncedDefinition } from './synced-templates.js';
import type { PreviewIdsInput } from './template-schemas.js';
import { EXAMPLE_CONTEXT, type RenderContext } from './variables.js';

/**
 * A template as a recipient would read it. The ids given must belong to the account (404 otherwise);
 * whatever is not given (no event chosen yet) renders with example values, so the editor always shows
 * a complete message. The recipient defaults to the event's client, then the assignment's provider.
 */
export async function previewTemplate(
  db: Db,
  accountId: number,
  template: RenderableTemplate,
  ids: PreviewIdsInput,
  timeZone: string,
) {
  const parts = await loadContextParts(db, accountId, {
    contactId: ids.contact_id ?? null,
    eventId: ids.event_id ?? null,
    assignmentId: ids.assignment_id ?? null,
  });
  const context: RenderContext = {
    account: parts.account,
    contact: parts.contact ?? parts.client ?? parts.provider ?? EXAMPLE_CONTEXT.contact,
    client: parts.client ?? EXAMPLE_CONTEXT.client,
    provider: parts.provider ?? EXAMPLE_CONTEXT.provider,
    event: parts.event ?? EXAMPLE_CONTEXT.event,
    assignment: parts.assignment ?? EXAMPLE_CONTEXT.assignment,
    offer: parts.offer ?? EXAMPLE_CONTEXT.offer,
  };
  const rendered = renderNotificationTemplate(template, context, timeZone);
  if (!rendered.whatsapp) return { ...rendered, whatsapp: null };
  const definition = await syncedDefinition(db, accountId, rendered.whatsapp.name, rendered.whatsapp.language);
  return {
    ...rendered,
    whatsapp: { ...rendered.whatsapp, body_text: definition ? bodyText(definition, rendered.whatsapp) : null },
  };
}
