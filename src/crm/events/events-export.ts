import type { Db } from '../../db/client.js';
import type { EventStatus } from '../../db/schema.js';
import { writeCsv } from '../csv.js';
import { calendarFilterOf } from './calendar-filter.js';
import type { EventListQuery, EventView } from './event-schemas.js';
import { formatLocalDateTime } from './event-time.js';
import { loadEventViews } from './event-view.js';
import { calendarPage } from './events.repo.js';

const PAGE = 500;
/** An export is a spreadsheet, not a backup: past this many rows, narrow the range. */
export const MAX_EXPORTED_EVENTS = 50_000;

const STATUS_LABELS: Record<EventStatus, string> = {
  scheduled: 'agendado',
  confirmed: 'confirmado',
  done: 'realizado',
  cancelled: 'cancelado',
};

const HEADER = ['id', 'título', 'cliente', 'início', 'fim', 'status', 'local', 'valor (R$)', 'vagas'];

const reais = (cents: number | null) =>
  cents === null
    ? ''
    : (cents / 100).toLocaleString('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false });

/** An event's location in one line: "Rua das Flores, 10 - Centro - São Paulo/SP". */
export function placeOf(location: Record<string, unknown>): string {
  const part = (key: string) => (typeof location[key] === 'string' ? (location[key] as string) : '');
  const street = [part('address'), part('number')].filter(Boolean).join(', ');
  const city = [part('city'), part('state')].filter(Boolean).join('/');
  return [street, part('district'), city].filter(Boolean).join(' - ');
}

function csvRow(event: EventView, timeZone: string): string[] {
  return [
    String(event.id),
    event.title,
    event.client.name,
    formatLocalDateTime(new Date(event.starts_at), timeZone),
    formatLocalDateTime(new Date(event.ends_at), timeZone),
    STATUS_LABELS[event.status],
    placeOf(event.location),
    reais(event.value_cents),
    event.staffing.map((line) => `${line.service}:${line.filled}/${line.quantity}`).join(', '),
  ];
}

/** GET /events/export.csv: the calendar's filter, every matching event, times in the business time zone. */
export async function exportEventsCsv(
  db: Db,
  accountId: number,
  query: Omit<EventListQuery, 'page' | 'per_page'>,
  timeZone: string,
): Promise<string> {
  const rows: string[][] = [HEADER];
  for (let offset = 0; offset < MAX_EXPORTED_EVENTS; offset += PAGE) {
    const page = await calendarPage(
      db,
      calendarFilterOf(accountId, query, { limit: Math.min(PAGE, MAX_EXPORTED_EVENTS - offset), offset }),
    );
    for (const view of await loadEventViews(db, accountId, page)) rows.push(csvRow(view, timeZone));
    if (page.length < PAGE) break;
  }
  return writeCsv(rows);
}
