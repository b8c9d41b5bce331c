import { useModuleMessages } from '../../../shared/i18n';
import type { ServiceType } from '../crm.api';
import { crmMessages } from '../crm.messages';

export interface StaffingRow {
  service: string;
  quantity: string;
}

/** The people an event needs: one row per service ("Garçom × 2"), added and removed freely. */
export function StaffingEditor({
  rows,
  services,
  onChange,
  error,
}: {
  rows: StaffingRow[];
  services: ServiceType[];
  onChange: (rows: StaffingRow[]) => void;
  error?: string | undefined;
}) {
  const t = useModuleMessages(crmMessages);
  const update = (index: number, change: Partial<StaffingRow>) =>
    onChange(rows.map((row, position) => (position === index ? { ...row, ...change } : row)));
  // A service no longer in the list (renamed) still shows in the row it came with.
  const names = [...new Set([...services.map((service) => service.name), ...rows.map((row) => row.service)])].filter(
    Boolean,
  );
  return (
    <fieldset className="settings-fieldset">
      <legend>{t('staffing.title')}</legend>
      {rows.length === 0 && <p className="settings-hint">{t('staffing.none')}</p>}
      {services.length === 0 && <p className="settings-hint">{t('staffing.noServices')}</p>}
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved
        <div key={index} className="crm-staffing-row">
          <select
            aria-label={t('staffing.serviceN', { n: index + 1 })}
            value={row.service}
            onChange={(event) => update(index, { service: event.target.value })}
          >
            <option value="">{t('staffing.chooseService')}</option>
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <input
            type="number"
            min={1}
            max={500}
            aria-label={t('staffing.quantityN', { n: index + 1 })}
            value={row.quantity}
            onChange={(event) => update(index, { quantity: event.target.value })}
          />
          <button
            type="button"
            className="secondary small"
            aria-label={t('staffing.removeN', { n: index + 1 })}
            onClick={() => onChange(rows.filter((_, position) => position !== index))}
          >
            ×
          </button>
        </div>
      ))}
      {error && <p className="settings-field-error">{error}</p>}
      <div>
        <button
          type="button"
          className="secondary small"
          onClick={() => onChange([...rows, { service: services[0]?.name ?? '', quantity: '1' }])}
        >
          {t('staffing.add')}
        </button>
      </div>
    </fieldset>
  );
}
