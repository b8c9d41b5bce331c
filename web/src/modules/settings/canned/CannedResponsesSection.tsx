import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { CannedResponse, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { formProblems } from '../ui/errors';
import { Field, FormAlert } from '../ui/Field';
import { LoadState } from '../ui/LoadState';
import { useLoad } from '../ui/use-load';
import { cannedMessages } from './canned.messages';

type CannedValues = Omit<CannedResponse, 'id'>;

function CannedForm({
  api,
  canned,
  onSaved,
  onCancel,
}: {
  api: SettingsApi;
  canned: CannedResponse | null;
  onSaved: (canned: CannedResponse) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(cannedMessages);
  const common = useModuleMessages(settingsMessages);
  const [values, setValues] = useState<CannedValues>({
    short_code: canned?.short_code ?? '',
    content: canned?.content ?? '',
  });
  const [errors, setErrors] = useState<Partial<Record<keyof CannedValues, string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      const body = { short_code: values.short_code.trim().replace(/^\//, ''), content: values.content };
      onSaved(canned ? await api.cannedResponses.update(canned.id, body) : await api.cannedResponses.create(body));
    } catch (caught) {
      const problems = formProblems(
        caught,
        { short_code: 'short_code', content: 'content' },
        {
          generic: common('genericError'),
          fixFields: common('fixFields'),
        },
      );
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  return (
    <form className="settings-form settings-card" onSubmit={submit} noValidate>
      <h3>{canned ? t('editTitle', { name: canned.short_code }) : t('newTitle')}</h3>
      <Field label={t('shortCode')} hint={t('shortCodeHint')} error={errors.short_code}>
        {(props) => (
          <input
            {...props}
            required
            spellCheck={false}
            autoComplete="off"
            value={values.short_code}
            onChange={(e) => setValues({ ...values, short_code: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('content')} hint={t('contentHint')} error={errors.content}>
        {(props) => (
          <textarea
            {...props}
            required
            maxLength={4096}
            value={values.content}
            onChange={(e) => setValues({ ...values, content: e.target.value })}
          />
        )}
      </Field>
      <FormAlert message={alert} />
      <div className="settings-actions">
        <button type="button" className="secondary" onClick={onCancel} disabled={saving}>
          {common('cancel')}
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? common('saving') : common('save')}
        </button>
      </div>
    </form>
  );
}

/** /configuracoes/respostas-prontas: short code → text, with Chatwoot's variables. */
export function CannedResponsesSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(cannedMessages);
  const common = useModuleMessages(settingsMessages);
  const responses = useLoad(api.cannedResponses.list, common('genericError'));
  const [editing, setEditing] = useState<CannedResponse | 'new' | null>(null);
  const [deleting, setDeleting] = useState<CannedResponse | null>(null);

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{t('intro')}</p>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {t('new')}
          </button>
        )}
      </div>
      {editing !== null && (
        <CannedForm
          key={editing === 'new' ? 'new' : editing.id}
          api={api}
          canned={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            responses.setData((list) =>
              [...(list ?? []).filter((item) => item.id !== saved.id), saved].sort((a, b) =>
                a.short_code.localeCompare(b.short_code),
              ),
            );
            setEditing(null);
          }}
        />
      )}
      <LoadState loaded={responses} isEmpty={(list) => list.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => (
          <ul className="settings-list" aria-label={t('list')}>
            {list.map((canned) => (
              <li key={canned.id}>
                <div className="settings-row">
                  <strong>
                    <code>/{canned.short_code}</code>
                  </strong>
                  <div className="settings-actions">
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={t('editOf', { name: canned.short_code })}
                      onClick={() => setEditing(canned)}
                    >
                      {common('edit')}
                    </button>
                    <button
                      type="button"
                      className="danger small"
                      aria-label={t('deleteOf', { name: canned.short_code })}
                      onClick={() => setDeleting(canned)}
                    >
                      {common('delete')}
                    </button>
                  </div>
                </div>
                <p className="settings-pre">{canned.content}</p>
              </li>
            ))}
          </ul>
        )}
      </LoadState>
      {deleting && (
        <ConfirmDialog
          message={common('confirmDelete', { name: `/${deleting.short_code}` })}
          onConfirm={async () => {
            await api.cannedResponses.remove(deleting.id);
            responses.setData((list) => (list ?? []).filter((item) => item.id !== deleting.id));
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
