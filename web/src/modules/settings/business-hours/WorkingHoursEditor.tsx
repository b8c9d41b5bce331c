import { useModuleMessages } from '../../../shared/i18n';
import type { WorkingHoursDay } from '../settings.api';
import { businessHoursMessages } from './business-hours.messages';
import { parseTime, timeOf } from './working-hours';

type DayKey = `day.${0 | 1 | 2 | 3 | 4 | 5 | 6}`;

/** One row per weekday: closed, open all day, or opening and closing times (the inbox's time zone). */
export function WorkingHoursEditor({
  days,
  errors,
  onChange,
}: {
  days: WorkingHoursDay[];
  errors: Record<string, string>;
  onChange: (days: WorkingHoursDay[]) => void;
}) {
  const t = useModuleMessages(businessHoursMessages);
  const set = (dayOfWeek: number, patch: Partial<WorkingHoursDay>) =>
    onChange(days.map((day) => (day.day_of_week === dayOfWeek ? { ...day, ...patch } : day)));

  return (
    <div className="business-hours">
      {days.map((day, index) => {
        const name = t(`day.${day.day_of_week}` as DayKey);
        const open = !day.closed_all_day && !day.open_all_day;
        const error = Object.entries(errors).find(([path]) => path.startsWith(`working_hours.${index}`))?.[1];
        return (
          <div key={day.day_of_week} className="business-hours-row" data-day={day.day_of_week}>
            <strong>{name}</strong>
            <label className="settings-check">
              <input
                type="checkbox"
                aria-label={t('closedOn', { day: name })}
                checked={day.closed_all_day}
                onChange={(event) =>
                  set(day.day_of_week, {
                    closed_all_day: event.target.checked,
                    open_all_day: false,
                    ...(event.target.checked || day.open_hour !== null
                      ? {}
                      : { open_hour: 9, open_minutes: 0, close_hour: 18, close_minutes: 0 }),
                  })
                }
              />
              <span aria-hidden="true">{t('closed')}</span>
            </label>
            <label className="settings-check">
              <input
                type="checkbox"
                aria-label={t('allDayOn', { day: name })}
                checked={day.open_all_day}
                disabled={day.closed_all_day}
                onChange={(event) => set(day.day_of_week, { open_all_day: event.target.checked })}
              />
              <span aria-hidden="true">{t('allDay')}</span>
            </label>
            {open ? (
              <span className="business-hours-times">
                <input
                  type="time"
                  aria-label={t('opensOn', { day: name })}
                  aria-invalid={error ? true : undefined}
                  value={timeOf(day.open_hour, day.open_minutes)}
                  onChange={(event) => {
                    const time = parseTime(event.target.value);
                    set(day.day_of_week, { open_hour: time?.hour ?? null, open_minutes: time?.minutes ?? null });
                  }}
                />
                <input
                  type="time"
                  aria-label={t('closesOn', { day: name })}
                  aria-invalid={error ? true : undefined}
                  value={timeOf(day.close_hour, day.close_minutes)}
                  onChange={(event) => {
                    const time = parseTime(event.target.value);
                    set(day.day_of_week, { close_hour: time?.hour ?? null, close_minutes: time?.minutes ?? null });
                  }}
                />
              </span>
            ) : (
              <span />
            )}
            {error && <p className="settings-field-error">{error}</p>}
          </div>
        );
      })}
    </div>
  );
}
