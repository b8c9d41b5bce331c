import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../../shared/i18n';
import { saveProblems } from '../../../notify/ui/field-errors';
import { Field, FormAlert } from '../../../settings/ui/Field';
import type { Staffing } from '../../crm.api';
import { crmMessages } from '../../crm.messages';
import type { Dispatch, DispatchApi, DispatchStrategy } from './dispatch.api';
import { dispatchMessages } from './dispatch.messages';

const MAX_TTL = 7 * 24 * 60;

/** Which service to offer (only those with open places), how, and how long each provider has to answer. */
export function DispatchForm({
  api,
  eventId,
  staffing,
  initialErrors = {},
  onStarted,
}: {
  api: DispatchApi;
  eventId: number;
  staffing: Staffing[];
  initialErrors?: Record<string, string>;
  onStarted: (dispatch: Dispatch) => void;
}) {
  const t = useModuleMessages(dispatchMessages);
  const crm = useModuleMessages(crmMessages);
  const open = staffing.filter((line) => line.quantity > line.filled);
  const [service, setService] = useState(open[0]?.service_type_id ?? 0);
  const [strategy, setStrategy] = useState<DispatchStrategy>('sequential');
  const [ttl, setTtl] = useState('30');
  const [errors, setErrors] = useState<Record<string, string>>(initialErrors);
  const [alert, setAlert] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (staffing.length === 0) return <p className="muted">{t('noStaffing')}</p>;
  if (open.length === 0) return <p className="muted">{t('noOpenPlaces')}</p>;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const minutes = Number(ttl);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TTL) {
      setErrors({ offer_ttl_minutes: t('ttlInvalid') });
      return;
    }
    setBusy(true);
    setAlert(null);
    setErrors({});
    try {
      onStarted(await api.start(eventId, { service, strategy, offer_ttl_minutes: minutes }));
    } catch (caught) {
      const problems = saveProblems(caught, { generic: crm('genericError'), fixFields: crm('fixFields') });
      setErrors(problems.errors);
      setAlert(problems.alert);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="crm-form dispatch-form" onSubmit={submit} noValidate>
      <Field label={t('service')} error={errors.service}>
        {(props) => (
          <select {...props} value={service} onChange={(event) => setService(Number(event.target.value))}>
            {open.map((line) => (
              <option key={line.service_type_id} value={line.service_type_id}>
                {t('openPlaces', { service: line.service, open: line.quantity - line.filled })}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset className="settings-fieldset">
        <legend>{t('strategy')}</legend>
        {(['sequential', 'broadcast'] as const).map((choice) => (
          <label key={choice} className="settings-check">
            <input
              type="radio"
              name={`dispatch-strategy-${eventId}`}
              checked={strategy === choice}
              onChange={() => setStrategy(choice)}
            />
            <span>{t(`strategy.${choice}`)}</span>
          </label>
        ))}
        {errors.strategy && <p className="settings-field-error">{errors.strategy}</p>}
      </fieldset>
      <Field label={t('ttl')} error={errors.offer_ttl_minutes}>
        {(props) => (
          <input {...props} inputMode="numeric" value={ttl} onChange={(event) => setTtl(event.target.value)} />
        )}
      </Field>
      <FormAlert message={alert} />
      <div className="settings-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('starting') : t('start')}
        </button>
      </div>
    </form>
  );
}
