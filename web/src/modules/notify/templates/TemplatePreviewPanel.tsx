import { useModuleMessages } from '../../../shared/i18n';
import type { TemplatePreview } from '../notify.api';
import { templatesMessages } from './templates.messages';

export type PreviewState =
  | { status: 'empty' }
  | { status: 'loading'; last: TemplatePreview | null }
  | { status: 'ready'; preview: TemplatePreview }
  | { status: 'problems'; problems: string[] };

/** The values Meta receives for the body, when the approved body itself is unknown (not synced). */
function bodyParameters(preview: NonNullable<TemplatePreview['whatsapp']>): string[] {
  const body = preview.components.find((component) => component.type === 'body');
  const parameters = Array.isArray(body?.parameters) ? (body.parameters as Array<{ text?: unknown }>) : [];
  return parameters.map((parameter) => String(parameter.text ?? ''));
}

/** How each variant reads for the recipient; problems (unknown variables) instead when the API refuses. */
export function TemplatePreviewPanel({ state }: { state: PreviewState }) {
  const t = useModuleMessages(templatesMessages);
  const preview = state.status === 'ready' ? state.preview : state.status === 'loading' ? state.last : null;
  return (
    <section className="notify-preview" aria-labelledby="template-preview-title" aria-busy={state.status === 'loading'}>
      <h3 id="template-preview-title">{t('preview')}</h3>
      {state.status === 'loading' && (
        <p className="muted" role="status">
          {t('previewing')}
        </p>
      )}
      {state.status === 'empty' && <p className="muted">{t('previewEmpty')}</p>}
      {state.status === 'problems' && (
        <div role="alert" className="settings-alert">
          <p>{t('previewProblems')}</p>
          <ul>
            {state.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
      {preview && (
        <dl className="notify-preview-variants">
          <div>
            <dt>{t('variant.text')}</dt>
            <dd className={preview.text ? 'notify-bubble' : undefined}>
              {preview.text ?? <span className="muted">{t('noVariant')}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('variant.whatsapp')}</dt>
            <dd className={preview.whatsapp ? 'notify-bubble' : undefined}>
              {preview.whatsapp === null ? (
                <span className="muted">{t('noVariant')}</span>
              ) : preview.whatsapp.body_text !== null ? (
                preview.whatsapp.body_text
              ) : (
                <>
                  <span className="muted">
                    {t('bodyUnknown', { name: preview.whatsapp.name, language: preview.whatsapp.language })}
                  </span>
                  <br />
                  {t('params', { values: bodyParameters(preview.whatsapp).join(' · ') || '—' })}
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('variant.sms')}</dt>
            <dd className={preview.sms ? 'notify-bubble' : undefined}>
              {preview.sms ?? <span className="muted">{t('noVariant')}</span>}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
