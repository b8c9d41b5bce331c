import { useEffect, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import { useDebounced } from '../../crm/ui/use-debounced';
import type { MessageTemplate } from '../../inbox/composer/templates';
import type { InboxRef, NotifyApi, TemplateInput } from '../notify.api';
import type { PreviewState } from './TemplatePreviewPanel';

const PREVIEW_DELAY_MS = 400;

/** Previews the unsaved template once typing pauses; a refusal (unknown variable) lists the problems. */
export function useTemplatePreview(
  api: NotifyApi,
  input: TemplateInput,
  eventId: number | null,
  fallbackError: string,
): PreviewState {
  const [state, setState] = useState<PreviewState>({ status: 'empty' });
  const request = useDebounced(JSON.stringify({ input, eventId }), PREVIEW_DELAY_MS);

  useEffect(() => {
    const { input: template, eventId: event } = JSON.parse(request) as { input: TemplateInput; eventId: number | null };
    if (!template.text && !template.sms && !template.whatsapp) {
      setState({ status: 'empty' });
      return;
    }
    let stale = false;
    setState((current) => ({
      status: 'loading',
      last: current.status === 'ready' ? current.preview : current.status === 'loading' ? current.last : null,
    }));
    // The preview validates like a save; a name is not part of what it checks.
    api.templates
      .preview({ ...template, name: template.name || 'pré-visualização' }, event ? { event_id: event } : {})
      .then((preview) => !stale && setState({ status: 'ready', preview }))
      .catch((caught: unknown) => {
        if (stale) return;
        const details =
          caught instanceof ApiError && Array.isArray(caught.details)
            ? (caught.details as Array<{ field?: string; message?: string }>)
                .filter((detail) => detail.message)
                .map((detail) =>
                  detail.field
                    ? `${detail.field.replace(/^template\./, '')}: ${detail.message}`
                    : String(detail.message),
                )
            : [];
        const message = caught instanceof ApiError ? caught.message : fallbackError;
        setState({ status: 'problems', problems: details.length > 0 ? details : [message] });
      });
    return () => {
      stale = true;
    };
  }, [api, request, fallbackError]);

  return state;
}

/** The WhatsApp inboxes and the chosen one's synced Meta templates (null while loading). */
export function useMetaTemplates(api: NotifyApi) {
  const [inboxes, setInboxes] = useState<InboxRef[]>([]);
  const [inboxId, setInboxId] = useState<number | null>(null);
  const [templates, setTemplates] = useState<MessageTemplate[] | null>(null);

  useEffect(() => {
    let stale = false;
    api.inboxes
      .list()
      .then((list) => {
        if (stale) return;
        const whatsapp = list.filter((inbox) => inbox.channel_type === 'Channel::Whatsapp');
        setInboxes(whatsapp);
        setInboxId(whatsapp[0]?.id ?? null);
        if (whatsapp.length === 0) setTemplates([]);
      })
      .catch(() => !stale && setTemplates([]));
    return () => {
      stale = true;
    };
  }, [api]);

  useEffect(() => {
    if (inboxId === null) return;
    let stale = false;
    setTemplates(null);
    api.inboxes
      .templates(inboxId)
      .then((list) => !stale && setTemplates(list))
      .catch(() => !stale && setTemplates([]));
    return () => {
      stale = true;
    };
  }, [api, inboxId]);

  return { inboxes, inboxId, setInboxId, templates };
}
