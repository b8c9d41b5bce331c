import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { CannedResponse, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { EditableList } from '../ui/EditableList';
import { formProblems } from '../ui/errors';
import { Field, FormFooter } from '../ui/Field';
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
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} />
    </form>
  );
}

/** /configuracoes/respostas-prontas: short code → text, with Chatwoot's variables. */
export function CannedResponsesSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(cannedMessages);
  const common = useModuleMessages(settingsMessages);
  const responses = useLoad(api.cannedResponses.list, common('genericError'));
  return (
    <EditableList
      loaded={responses}
      sort={(a, b) => a.short_code.localeCompare(b.short_code)}
      texts={{
        intro: t('intro'),
        new: t('new'),
        list: t('list'),
        empty: t('empty'),
        editOf: (canned) => t('editOf', { name: canned.short_code }),
        deleteOf: (canned) => t('deleteOf', { name: canned.short_code }),
      }}
      form={({ item, onCancel, onSaved }) => (
        <CannedForm api={api} canned={item} onCancel={onCancel} onSaved={onSaved} />
      )}
      renderItem={(canned, actions) => (
        <li>
          <div className="settings-row">
            <strong>
              <code>/{canned.short_code}</code>
            </strong>
            {actions}
          </div>
          <p className="settings-pre">{canned.content}</p>
        </li>
      )}
      remove={{
        name: (canned) => `/${canned.short_code}`,
        run: (canned) => api.cannedResponses.remove(canned.id),
      }}
    />
  );
}
