import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { QuietHours, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { formProblems } from '../ui/errors';
import { Field, FormFooter } from '../ui/Field';
import { LoadState } from '../ui/LoadState';
import { useLoad } from '../ui/use-load';
import { quietHoursMessages } from './quiet-hours.messages';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
type QuietField = 'start' | 'end';

/** The quiet-hours form: on/off, start and end in São Paulo time, and what the window means in words. */
export function QuietHoursForm({
  api,
  initial,
  initialErrors = {},
}: {
  api: SettingsApi;
  initial: QuietHours;
  initialErrors?: Partial<Record<QuietField, string>>;
}) {
  const t = useModuleMessages(quietHoursMessages);
  const common = useModuleMessages(settingsMessages);
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState(initialErrors);
  const [alert, setAlert] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    const local = {
      ...(HHMM.test(values.start) ? {} : { start: t('invalidTime') }),
      ...(HHMM.test(values.end) ? {} : { end: t('invalidTime') }),
    };
    if (Object.keys(local).length > 0) {
      setErrors(local);
      setAlert(common('fixFields'));
      return;
    }
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      setValues(await api.quietHours.save(values));
      setNotice(t('saved'));
    } catch (caught) {
      const problems = formProblems(
        caught,
        { 'quiet_hours.start': 'start', 'quiet_hours.end': 'end' } as Record<string, QuietField>,
        { generic: common('genericError'), fixFields: common('fixFields') },
      );
      setErrors(problems.errors);
      setAlert(problems.alert);
    } finally {
      setSaving(false);
    }
  }

  const valid = HHMM.test(values.start) && HHMM.test(values.end);
  const meaning = !valid
    ? null
    : values.start === values.end
      ? t('sameTimes')
      : t(values.start > values.end ? 'crossesMidnight' : 'sameDay', { start: values.start, end: values.end });

  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      <p className="muted">{t('intro')}</p>
      <label className="settings-check">
        <input
          type="checkbox"
          checked={values.enabled}
          onChange={(event) => setValues({ ...values, enabled: event.target.checked })}
        />
        <span>{t('enabled')}</span>
      </label>
      <div className="settings-inline-form">
        <Field label={t('start')} error={errors.start}>
          {(props) => (
            <input
              {...props}
              type="time"
              value={values.start}
              disabled={!values.enabled}
              onChange={(event) => setValues({ ...values, start: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('end')} error={errors.end}>
          {(props) => (
            <input
              {...props}
              type="time"
              value={values.end}
              disabled={!values.enabled}
              onChange={(event) => setValues({ ...values, end: event.target.value })}
            />
          )}
        </Field>
      </div>
      {values.enabled && meaning && <p className="settings-hint">{meaning}</p>}
      <FormFooter alert={alert} notice={notice} saving={saving} />
    </form>
  );
}

/** /configuracoes/horario-de-silencio: the account's quiet hours for automated notifications. */
export function QuietHoursSection({ api }: { api: SettingsApi; path: string[] }) {
  const common = useModuleMessages(settingsMessages);
  const loaded = useLoad(api.quietHours.get, common('genericError'));
  return (
    <LoadState loaded={loaded} isEmpty={() => false} empty={null}>
      {(quiet) => <QuietHoursForm api={api} initial={quiet} />}
    </LoadState>
  );
}
