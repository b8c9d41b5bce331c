import { useCallback, useMemo, useState } from 'react';
import { formatDateTime, formatMoney } from '../../../shared/format';
import { useI18n, useModuleMessages } from '../../../shared/i18n';
import { Link, navigate, useLocation } from '../../../shared/router';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import type { CrmApi, CrmEventSummary, EventStatus } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { Dialog } from '../ui/Dialog';
import { MonthGrid, WeekColumns } from './CalendarView';
import { addDays, addMonths, type DayKey, monthGrid, rangeOf, today, weekOf } from './calendar';
import { EventForm } from './EventForm';

export type CalendarMode = 'mes' | 'semana' | 'lista';
const MODES: CalendarMode[] = ['mes', 'semana', 'lista'];
const STATUSES: EventStatus[] = ['scheduled', 'confirmed', 'done', 'cancelled'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `?vista=semana&dia=2025-06-07` → the mode and the day shown (the URL keeps the view shareable). */
export function calendarStateOf(search: URLSearchParams): { mode: CalendarMode; anchor: DayKey } {
  const mode = MODES.find((candidate) => candidate === search.get('vista')) ?? 'mes';
  const day = search.get('dia') ?? '';
  return { mode, anchor: DAY.test(day) ? day : today() };
}

/** "junho de 2025" / "June 2025". */
export function monthTitle(day: DayKey, locale: string): string {
  const [year = 1970, month = 1] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, month - 1, 15)),
  );
}

/** /eventos: the calendar (month or week, São Paulo time, colour by status) and the list. */
export function EventsPage({ api }: { api: CrmApi }) {
  const t = useModuleMessages(crmMessages);
  const { locale } = useI18n();
  const { search } = useLocation();
  const { mode, anchor } = calendarStateOf(search);
  const [creating, setCreating] = useState(false);
  const days = useMemo(() => (mode === 'semana' ? weekOf(anchor) : monthGrid(anchor).flat()), [mode, anchor]);
  const load = useCallback(() => api.events.calendar({ ...rangeOf(days), per_page: 500 }), [api, days]);
  const events = useLoad(load, t('genericError'));

  const go = (next: { mode?: CalendarMode; anchor?: DayKey }) =>
    navigate(`/eventos?vista=${next.mode ?? mode}&dia=${next.anchor ?? anchor}`);
  const step = (direction: 1 | -1) =>
    go({ anchor: mode === 'semana' ? addDays(anchor, 7 * direction) : addMonths(anchor, direction) });
  const week = weekOf(anchor);
  const title =
    mode === 'semana'
      ? t('calendar.weekOf', {
          from: `${week[0]?.slice(8)}/${week[0]?.slice(5, 7)}`,
          to: `${week[6]?.slice(8)}/${week[6]?.slice(5, 7)}`,
        })
      : monthTitle(anchor, locale);

  return (
    <section className="crm-page" aria-labelledby="crm-title">
      <header className="crm-heading">
        <h1 id="crm-title">{t('events.title')}</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          {t('events.new')}
        </button>
      </header>
      <div className="crm-calendar-bar">
        <fieldset className="crm-segmented">
          <legend className="visually-hidden">{t('calendar.view')}</legend>
          {MODES.map((candidate) => (
            <button
              key={candidate}
              type="button"
              className="secondary"
              aria-pressed={candidate === mode}
              onClick={() => go({ mode: candidate })}
            >
              {t(`calendar.mode.${candidate}`)}
            </button>
          ))}
        </fieldset>
        <div className="crm-calendar-nav">
          <button
            type="button"
            className="secondary"
            aria-label={mode === 'semana' ? t('calendar.previousWeek') : t('calendar.previousMonth')}
            onClick={() => step(-1)}
          >
            ‹
          </button>
          <h2 aria-live="polite">{title}</h2>
          <button
            type="button"
            className="secondary"
            aria-label={mode === 'semana' ? t('calendar.nextWeek') : t('calendar.nextMonth')}
            onClick={() => step(1)}
          >
            ›
          </button>
          <button type="button" className="secondary" onClick={() => go({ anchor: today() })}>
            {t('calendar.today')}
          </button>
        </div>
      </div>
      <ul className="crm-legend" aria-label={t('calendar.legend')}>
        {STATUSES.map((status) => (
          <li key={status}>
            <span className={`crm-swatch crm-event-${status}`} aria-hidden="true" /> {t(`event.${status}`)}
          </li>
        ))}
      </ul>
      <LoadState loaded={events} isEmpty={() => false} empty={null}>
        {(list) =>
          mode === 'mes' ? (
            <div className="crm-scroll">
              <MonthGrid weeks={monthGrid(anchor)} anchor={anchor} events={list.payload} />
            </div>
          ) : mode === 'semana' ? (
            <WeekColumns anchor={anchor} events={list.payload} />
          ) : (
            <EventList events={list.payload} month={anchor} />
          )
        }
      </LoadState>
      {creating && (
        <Dialog title={t('events.new')} onClose={() => setCreating(false)} wide>
          <EventForm
            api={api}
            defaultDay={anchor}
            onCancel={() => setCreating(false)}
            onSaved={(event) => {
              setCreating(false);
              navigate(`/eventos/${event.id}`);
            }}
          />
        </Dialog>
      )}
    </section>
  );
}

/** The month's events as a list: when, what, client, staffing and value. */
function EventList({ events, month }: { events: CrmEventSummary[]; month: DayKey }) {
  const t = useModuleMessages(crmMessages);
  const from = new Date(rangeOf([addMonths(month, 0)]).from);
  const to = new Date(rangeOf([addMonths(month, 1)]).from);
  const inMonth = events.filter((event) => new Date(event.ends_at) > from && new Date(event.starts_at) < to);
  if (inMonth.length === 0) return <p className="settings-empty">{t('events.empty')}</p>;
  return (
    <ul className="crm-event-list">
      {inMonth.map((event) => {
        const needed = event.staffing.reduce((sum, line) => sum + line.quantity, 0);
        const filled = event.staffing.reduce((sum, line) => sum + line.filled, 0);
        return (
          <li key={event.id} className={`crm-event-row crm-event-border-${event.status}`}>
            <div>
              <Link to={`/eventos/${event.id}`}>
                <strong>{event.title}</strong>
              </Link>
              <p className="muted">
                {formatDateTime(new Date(event.starts_at))} · {event.client.name}
              </p>
            </div>
            <div className="crm-event-row-meta">
              <span className={`crm-status crm-event-${event.status}`}>{t(`event.${event.status}`)}</span>
              {needed > 0 && <span>{t('events.staffed', { filled, needed })}</span>}
              {event.value_cents !== null && <span>{formatMoney(event.value_cents)}</span>}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
