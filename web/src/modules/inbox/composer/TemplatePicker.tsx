import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import { useModuleMessages } from '../../../shared/i18n';
import { listMessageTemplates, type TemplateListing } from './composer.api';
import { composerMessages } from './composer.messages';
import {
  buildTemplateParams,
  componentOf,
  type MediaType,
  type MessageTemplate,
  missingFields,
  previewSegments,
  renderedContent,
  renderTemplate,
  type TemplateField,
  type TemplateParams,
  type TemplateValues,
  templateFields,
} from './templates';

type Listing =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; data: TemplateListing };

// Meta's limits for a text parameter (header 60, body 1024, copy code 15 characters).
const MAX_LENGTH: Record<string, number> = { header: 60, body: 1024, button: 15 };

/**
 * When the 24-hour window is closed: the inbox's approved templates, inputs for their parameters, a
 * live preview, and a send with Chatwoot's template_params. `onSend` answers an error sentence or null.
 */
export function TemplatePicker({
  accountId,
  inboxId,
  onSend,
}: {
  accountId: number;
  inboxId: number;
  onSend(params: TemplateParams, content: string): Promise<string | null>;
}) {
  const t = useModuleMessages(composerMessages);
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [query, setQuery] = useState('');
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [values, setValues] = useState<TemplateValues>({});
  const [attempted, setAttempted] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const firstInput = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    let stale = false;
    setListing({ status: 'loading' });
    setSelectedId(null);
    listMessageTemplates(accountId, inboxId)
      .then((data) => !stale && setListing({ status: 'ready', data }))
      .catch(
        (caught: unknown) =>
          !stale &&
          setListing({ status: 'error', message: caught instanceof ApiError ? caught.message : t('genericError') }),
      );
    return () => {
      stale = true;
    };
  }, [accountId, inboxId, t]);

  const approved = useMemo(
    () =>
      listing.status === 'ready'
        ? listing.data.payload.filter((template) => template.status.toUpperCase() === 'APPROVED')
        : [],
    [listing],
  );
  const needle = query.trim().toLowerCase();
  const shown = needle
    ? approved.filter((template) =>
        `${template.name} ${componentOf(template, 'BODY')?.text ?? ''}`.toLowerCase().includes(needle),
      )
    : approved;
  const selected = approved.find((template) => template.id === selectedId) ?? null;
  const fields = selected ? templateFields(selected) : [];
  const missing = new Set(missingFields(fields, values).map((field) => field.id));

  // A template was chosen: its first parameter is where the attendant types next.
  useEffect(() => {
    if (selectedId !== null) firstInput.current?.focus();
  }, [selectedId]);

  function choose(template: MessageTemplate) {
    setSelectedId(template.id);
    setValues({});
    setAttempted(false);
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!selected || sending) return;
    setAttempted(true);
    if (missing.size > 0) {
      setError(t('missingParams'));
      firstInput.current?.form?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setSending(true);
    setError(null);
    const failure = await onSend(buildTemplateParams(selected, values), renderedContent(selected, values));
    setSending(false);
    if (failure) setError(failure);
    else {
      setSelectedId(null);
      setValues({});
      setAttempted(false);
    }
  }

  const mediaName = (kind: MediaType) =>
    ({ image: t('mediaImage'), video: t('mediaVideo'), document: t('mediaDocument') })[kind];

  function fieldLabel(field: TemplateField): string {
    if (field.kind === 'media') return t('paramMedia', { kind: mediaName(field.key) });
    if (field.kind === 'button') return t('paramButton', { text: field.text ?? field.buttonType });
    return t(field.section === 'header' ? 'paramHeader' : 'paramBody', { key: field.key });
  }

  if (listing.status === 'loading') {
    return (
      <p className="template-picker muted" role="status">
        {t('templatesLoading')}
      </p>
    );
  }
  if (listing.status === 'error') {
    return (
      <p className="template-picker form-error" role="alert">
        {listing.message}
      </p>
    );
  }
  const syncError = listing.data.sync_error;
  if (approved.length === 0) {
    return (
      <div className="template-picker">
        <p className="muted">{t('templatesEmpty')}</p>
        {syncError && <p className="form-error">{t('templatesSyncError', { reason: syncError })}</p>}
      </div>
    );
  }

  const rendered = selected ? renderTemplate(selected, values) : null;
  return (
    <form className="template-picker" aria-labelledby={`${id}-title`} onSubmit={submit} noValidate>
      <div className="template-head">
        <h3 id={`${id}-title`}>{t('templates')}</h3>
        {approved.length > 4 && !selected && (
          <label className="template-search">
            <span className="visually-hidden">{t('templateSearch')}</span>
            <input
              type="search"
              placeholder={t('templateSearch')}
              value={query}
              onChange={(event) => setQuery(event.target.value)}
            />
          </label>
        )}
      </div>
      {selected ? (
        <div className="template-chosen">
          <span className="template-name">{selected.name}</span>
          <span className="template-meta muted">
            {selected.language}
            {selected.category ? ` · ${selected.category.toLowerCase()}` : ''}
          </span>
          <button type="button" className="secondary" onClick={() => setSelectedId(null)}>
            {t('changeTemplate')}
          </button>
        </div>
      ) : (
        <ul className="template-list" aria-label={t('templates')}>
          {shown.map((template) => (
            <li key={template.id}>
              <button type="button" className="template-option" onClick={() => choose(template)}>
                <span className="template-name">{template.name}</span>
                <span className="template-meta muted">
                  {template.language}
                  {template.category ? ` · ${template.category.toLowerCase()}` : ''}
                </span>
                <span className="template-snippet">{componentOf(template, 'BODY')?.text ?? ''}</span>
              </button>
            </li>
          ))}
          {shown.length === 0 && <li className="muted">{t('templatesNoMatch', { query })}</li>}
        </ul>
      )}
      {!selected || !rendered ? (
        <p className="muted">{t('chooseTemplate')}</p>
      ) : (
        <div className="template-detail">
          <fieldset className="template-params">
            <legend>{t('templateParams')}</legend>
            {fields.length === 0 && <p className="muted">{t('templateNoParams')}</p>}
            {fields.map((field, index) => (
              <label key={field.id}>
                <span>{fieldLabel(field)}</span>
                <input
                  ref={index === 0 ? firstInput : undefined}
                  type={field.kind === 'media' ? 'url' : 'text'}
                  maxLength={field.kind === 'media' ? undefined : MAX_LENGTH[field.section]}
                  value={values[field.id] ?? ''}
                  aria-invalid={attempted && missing.has(field.id)}
                  onChange={(event) => {
                    const value = event.target.value;
                    setValues((current) => ({ ...current, [field.id]: value }));
                    setError(null);
                  }}
                />
              </label>
            ))}
          </fieldset>
          <section className="template-preview" aria-label={t('preview')}>
            <h4>{t('preview')}</h4>
            <div className="template-bubble" data-testid="template-preview">
              {rendered.headerMedia && <p className="preview-media">[{mediaName(rendered.headerMedia)}]</p>}
              {rendered.header !== null && (
                <p className="preview-header">
                  <Segments text={componentOf(selected, 'HEADER')?.text ?? ''} section="header" values={values} />
                </p>
              )}
              <p className="preview-body">
                <Segments text={componentOf(selected, 'BODY')?.text ?? ''} section="body" values={values} />
              </p>
              {rendered.footer && <p className="preview-footer muted">{rendered.footer}</p>}
              {rendered.buttons.length > 0 && (
                <ul className="preview-buttons">
                  {rendered.buttons.map((text, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a template's buttons never reorder
                    <li key={index}>{text}</li>
                  ))}
                </ul>
              )}
            </div>
          </section>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="template-actions">
            <button type="submit" className="primary" disabled={sending} aria-busy={sending}>
              {sending ? t('sending') : t('sendTemplate')}
            </button>
          </div>
        </div>
      )}
    </form>
  );
}

/** Template text with its parameters highlighted: filled ones show the value, empty ones their placeholder. */
function Segments({ text, section, values }: { text: string; section: 'header' | 'body'; values: TemplateValues }) {
  return (
    <>
      {previewSegments(text, section, values).map((segment, index) =>
        segment.param ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are derived from a fixed text
          <mark key={index} className={segment.param.filled ? 'param-filled' : 'param-empty'}>
            {segment.text}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are derived from a fixed text
          <span key={index}>{segment.text}</span>
        ),
      )}
    </>
  );
}
