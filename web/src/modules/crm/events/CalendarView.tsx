import { formatTime } from '../../../shared/format';
import { useI18n, useModuleMessages } from '../../../shared/i18n';
import { Link } from '../../../shared/router';
import type { CrmEventSummary } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { type DayKey, eventsByDay, sameMonth, today, weekOf } from './calendar';

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];

/** Sunday-first weekday names in the chosen language ("dom.", "seg." … or "Sun", "Mon" …). */
export function weekdayNames(locale: string, width: 'short' | 'long' = 'short'): string[] {
  const format = new Intl.DateTimeFormat(locale, { weekday: width, timeZone: 'UTC' });
  // 2023-01-01 was a Sunday.
  return WEEKDAYS.map((offset) => format.format(new Date(Date.UTC(2023, 0, 1 + offset))));
}

const dayNumber = (day: DayKey) => Number(day.slice(8, 10));

function EventChip({ event }: { event: CrmEventSummary }) {
  const t = useModuleMessages(crmMessages);
  const starts = formatTime(new Date(event.starts_at));
  return (
    <Link
      to={`/eventos/${event.id}`}
      className={`crm-event-chip crm-event-${event.status}`}
      aria-label={t('calendar.eventLabel', { time: starts, title: event.title, status: t(`event.${event.status}`) })}
    >
      <span className="crm-event-time">{starts}</span> {event.title}
    </Link>
  );
}

/** A month as weeks of days, each day with its events (colour by status, click opens the event). */
export function MonthGrid({ weeks, anchor, events }: { weeks: DayKey[][]; anchor: DayKey; events: CrmEventSummary[] }) {
  const { locale } = useI18n();
  const t = useModuleMessages(crmMessages);
  const byDay = eventsByDay(events, weeks.flat());
  const names = weekdayNames(locale);
  const now = today();
  return (
    <table className="crm-month">
      <caption className="visually-hidden">{t('calendar.month')}</caption>
      <thead>
        <tr>
          {names.map((name) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]}>
            {week.map((day) => {
              const list = byDay.get(day) ?? [];
              const classes = [
                'crm-day',
                sameMonth(day, anchor) ? '' : 'crm-day-outside',
                day === now ? 'crm-today' : '',
              ]
                .filter(Boolean)
                .join(' ');
              return (
                <td key={day} className={classes} data-day={day}>
                  <time className="crm-day-number" dateTime={day}>
                    {dayNumber(day)}
                  </time>
                  <ul>
                    {list.map((event) => (
                      <li key={event.id}>
                        <EventChip event={event} />
                      </li>
                    ))}
                  </ul>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Seven columns, Sunday to Saturday, with each day's events in time order. */
export function WeekColumns({ anchor, events }: { anchor: DayKey; events: CrmEventSummary[] }) {
  const { locale } = useI18n();
  const t = useModuleMessages(crmMessages);
  const days = weekOf(anchor);
  const byDay = eventsByDay(events, days);
  const names = weekdayNames(locale, 'long');
  const now = today();
  return (
    <ol className="crm-week">
      {days.map((day, index) => {
        const list = byDay.get(day) ?? [];
        return (
          <li key={day} className={day === now ? 'crm-week-day crm-today' : 'crm-week-day'} data-day={day}>
            <h3>
              {names[index]} <span className="muted">{`${day.slice(8, 10)}/${day.slice(5, 7)}`}</span>
            </h3>
            {list.length === 0 ? (
              <p className="muted crm-week-empty">{t('calendar.free')}</p>
            ) : (
              <ul>
                {list.map((event) => (
                  <li key={event.id}>
                    <EventChip event={event} />
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
