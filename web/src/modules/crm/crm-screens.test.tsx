import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { isCrmPath, resolveCrmPath } from './CrmPage';
import { formatDocument } from './clients/ClientsPage';
import type { CrmEventSummary, Deal, Stage } from './crm.api';
import { queryString } from './crm.api';
import { MonthGrid, WeekColumns } from './events/CalendarView';
import { monthGrid } from './events/calendar';
import { formatLocation, formatSpan, nextStatuses } from './events/EventPage';
import { calendarStateOf } from './events/EventsPage';
import { DealCard } from './pipeline/DealCard';
import { providerQuery } from './providers/ProvidersPage';

const event = (id: number, starts_at: string, ends_at: string, status: CrmEventSummary['status'] = 'scheduled') =>
  ({ id, title: `Festa ${id}`, starts_at, ends_at, status }) as CrmEventSummary;

describe('CRM routes', () => {
  it('sends each CRM path to its screen and leaves the others alone', () => {
    expect(resolveCrmPath('/eventos')).toEqual({ screen: 'events' });
    expect(resolveCrmPath('/eventos/12')).toEqual({ screen: 'event', id: 12 });
    expect(resolveCrmPath('/prestadores/3/')).toEqual({ screen: 'provider', id: 3 });
    expect(resolveCrmPath('/eventos/abc')).toBeNull();
    expect(isCrmPath('/funil')).toBe(true);
    expect(isCrmPath('/conversas/1')).toBe(false);
  });

  it('reads the calendar view from the URL, falling back to this month', () => {
    expect(calendarStateOf(new URLSearchParams('vista=semana&dia=2025-06-07'))).toEqual({
      mode: 'semana',
      anchor: '2025-06-07',
    });
    expect(calendarStateOf(new URLSearchParams('vista=ano&dia=ontem')).mode).toBe('mes');
  });

  it('leaves empty filters out of the query, and asks for availability only with both dates', () => {
    expect(queryString({ q: '', page: 2, service: undefined, active: 'true' })).toBe('?page=2&active=true');
    const base = { q: ' Ana ', service: 'DJ', region: '', active: 'true' as const, from: '2025-06-07T18:00', to: '' };
    expect(providerQuery(base, 1)).toEqual({ q: 'Ana', service: 'DJ', region: '', active: 'true', page: 1 });
    expect(providerQuery({ ...base, to: '2025-06-07T23:00' }, 1)).toMatchObject({
      available_from: '2025-06-07T18:00:00-03:00',
      available_to: '2025-06-07T23:00:00-03:00',
    });
  });
});

describe('the calendar', () => {
  it('shows an event in the São Paulo day it happens, coloured and named by its status', () => {
    const html = renderToStaticMarkup(
      <MonthGrid
        weeks={monthGrid('2025-06-01')}
        anchor="2025-06-01"
        events={[event(1, '2025-06-08T02:30:00Z', '2025-06-08T02:59:00Z', 'confirmed')]}
      />,
    );
    const saturday = html.slice(html.indexOf('data-day="2025-06-07"'), html.indexOf('data-day="2025-06-08"'));
    expect(saturday).toContain('href="/eventos/1"');
    expect(saturday).toContain('crm-event-confirmed');
    expect(saturday).toContain('aria-label="23:30 Festa 1 (Confirmado)"');
    expect(html.match(/href="\/eventos\/1"/g)).toHaveLength(1);
  });

  it('lists a week Sunday to Saturday, marking free days', () => {
    const html = renderToStaticMarkup(
      <WeekColumns anchor="2025-06-04" events={[event(2, '2025-06-04T22:00:00Z', '2025-06-05T02:00:00Z')]} />,
    );
    expect(html.indexOf('data-day="2025-06-01"')).toBeLessThan(html.indexOf('data-day="2025-06-07"'));
    expect(html.match(/Livre/g)).toHaveLength(6);
    expect(html).toContain('19:00');
  });
});

describe('the event page', () => {
  it('offers the next statuses only', () => {
    expect(nextStatuses('scheduled')).toEqual(['confirmed', 'cancelled']);
    expect(nextStatuses('confirmed')).toEqual(['done', 'cancelled']);
    expect(nextStatuses('cancelled')).toEqual([]);
  });

  it('writes the time span and the place as people read them', () => {
    expect(formatSpan({ starts_at: '2025-06-07T22:00:00Z', ends_at: '2025-06-08T02:00:00Z' })).toBe(
      '07/06/2025, 19:00 – 23:00',
    );
    expect(formatLocation({ address: 'Rua A', number: '10', district: 'Centro', city: 'São Paulo', state: 'SP' })).toBe(
      'Rua A, 10 — Centro, São Paulo/SP',
    );
    expect(formatDocument('52998224725')).toBe('529.982.247-25');
    expect(formatDocument('12ABC34501DE35')).toBe('12.ABC.345/01DE-35');
  });
});

describe('a deal card', () => {
  it('can be dragged and offers every other stage in "Mover para…", plus won and lost', () => {
    const stages = [1, 2, 3].map((id) => ({ id, name: `Etapa ${id}` }) as Stage);
    const deal = {
      id: 5,
      title: 'Casamento',
      stage_id: 2,
      status: 'open',
      value_cents: 150_000,
      contact: { name: 'Ana' },
    } as Deal;
    const html = renderToStaticMarkup(
      <DealCard deal={deal} stages={stages} busy={false} onMove={() => {}} onWon={() => {}} onLost={() => {}} />,
    );
    expect(html).toContain('draggable="true"');
    expect(html).toContain('Mover Casamento para');
    expect(html).toContain('>Etapa 1<');
    expect(html).toContain('>Etapa 3<');
    expect(html).not.toContain('>Etapa 2<');
    expect(html).toContain('aria-label="Marcar Casamento como ganho"');
    expect(html.replace(/\s/g, ' ')).toContain('R$ 1.500,00');
  });
});
