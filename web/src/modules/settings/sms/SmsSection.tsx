import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { SettingsApi, SmsProvider, SmsSettings, SmsSettingsInput } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { CopyField } from '../ui/CopyField';
import { formProblems } from '../ui/errors';
import { Field, FormFooter } from '../ui/Field';
import { LoadState } from '../ui/LoadState';
import { useLoad } from '../ui/use-load';
import { smsMessages } from './sms.messages';

type SmsField = 'provider' | 'sender' | 'account_sid' | 'auth_token' | 'api_token';
const PATHS: Record<string, SmsField> = {
  provider: 'provider',
  sender: 'sender',
  'credentials.account_sid': 'account_sid',
  'credentials.auth_token': 'auth_token',
  'credentials.api_token': 'api_token',
};

/** What the form sends: credentials only when typed (blank keeps the saved ones). */
export function smsInputOf(values: Record<SmsField, string>): SmsSettingsInput | null {
  const sender = values.sender.trim();
  if (values.provider === 'twilio') {
    const typed = values.account_sid.trim() || values.auth_token.trim();
    return {
      provider: 'twilio',
      sender,
      ...(typed
        ? { credentials: { account_sid: values.account_sid.trim(), auth_token: values.auth_token.trim() } }
        : {}),
    };
  }
  if (values.provider === 'zenvia') {
    return {
      provider: 'zenvia',
      sender,
      ...(values.api_token.trim() ? { credentials: { api_token: values.api_token.trim() } } : {}),
    };
  }
  if (values.provider === 'simulator') return { provider: 'simulator', sender: sender || null };
  return null;
}

/** Provider, sender and write-only credentials; the status URL to register at the provider. */
export function SmsForm({
  api,
  settings,
  initialErrors = {},
}: {
  api: SettingsApi;
  settings: SmsSettings;
  initialErrors?: Partial<Record<SmsField, string>>;
}) {
  const t = useModuleMessages(smsMessages);
  const common = useModuleMessages(settingsMessages);
  const [saved, setSaved] = useState(settings);
  const [values, setValues] = useState<Record<SmsField, string>>({
    provider: settings.provider ?? '',
    sender: settings.sender ?? '',
    account_sid: '',
    auth_token: '',
    api_token: '',
  });
  const [errors, setErrors] = useState(initialErrors);
  const [alert, setAlert] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const provider = values.provider as SmsProvider | '';
  const set = (field: SmsField, value: string) => setValues((current) => ({ ...current, [field]: value }));
  const keepHint = saved.provider === provider && saved.configured ? t('keepSecret') : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    const input = smsInputOf(values);
    if (!input) {
      setErrors({ provider: t('chooseProvider') });
      return;
    }
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      setSaved(await api.sms.save(input));
      setValues((current) => ({ ...current, account_sid: '', auth_token: '', api_token: '' }));
      setNotice(t('saved'));
    } catch (caught) {
      const problems = formProblems(caught, PATHS, { generic: common('genericError'), fixFields: common('fixFields') });
      setErrors(problems.errors);
      setAlert(problems.alert);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      <p className="muted">{t('intro')}</p>
      <Field label={t('provider')} error={errors.provider}>
        {(props) => (
          <select {...props} value={provider} onChange={(event) => set('provider', event.target.value)}>
            <option value="">{t('none')}</option>
            {(['twilio', 'zenvia', 'simulator'] as const).map((name) => (
              <option key={name} value={name}>
                {t(`provider.${name}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {provider && (
        <Field label={t('sender')} hint={t(`senderHint.${provider}`)} error={errors.sender}>
          {(props) => (
            <input {...props} value={values.sender} onChange={(event) => set('sender', event.target.value)} />
          )}
        </Field>
      )}
      {provider === 'twilio' && (
        <>
          <Field label={t('accountSid')} hint={keepHint} error={errors.account_sid}>
            {(props) => (
              <input
                {...props}
                autoComplete="off"
                spellCheck={false}
                value={values.account_sid}
                onChange={(event) => set('account_sid', event.target.value)}
              />
            )}
          </Field>
          <Field label={t('authToken')} hint={keepHint} error={errors.auth_token}>
            {(props) => (
              <input
                {...props}
                type="password"
                autoComplete="new-password"
                value={values.auth_token}
                onChange={(event) => set('auth_token', event.target.value)}
              />
            )}
          </Field>
        </>
      )}
      {provider === 'zenvia' && (
        <Field label={t('apiToken')} hint={keepHint} error={errors.api_token}>
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="new-password"
              value={values.api_token}
              onChange={(event) => set('api_token', event.target.value)}
            />
          )}
        </Field>
      )}
      {saved.provider && saved.provider !== 'simulator' && (
        <p className={saved.configured ? 'settings-hint' : 'settings-alert'}>
          {saved.configured ? t('configured') : t('notConfigured')}
        </p>
      )}
      {saved.status_callback_url && saved.provider !== 'simulator' && (
        <CopyField label={t('callback')} value={saved.status_callback_url} />
      )}
      <FormFooter alert={alert} notice={notice} saving={saving} />
    </form>
  );
}

/** /configuracoes/sms: the account's SMS gateway (Twilio, Zenvia or the simulator). */
export function SmsSection({ api }: { api: SettingsApi; path: string[] }) {
  const common = useModuleMessages(settingsMessages);
  const loaded = useLoad(api.sms.get, common('genericError'));
  return (
    <LoadState loaded={loaded} isEmpty={() => false} empty={null}>
      {(settings) => <SmsForm api={api} settings={settings} />}
    </LoadState>
  );
}
