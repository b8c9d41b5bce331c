import { AppError } from '../../shared/errors.js';
import type { EventListQuery } from './event-schemas.js';
import type { CalendarFilter } from './events.repo.js';

/**
 * The calendar's filter from a list query (the API's pages, the calendar screen, the CSV export), for the
 * rows [offset, offset + limit). A range that ends before it starts is refused, naming `to`.
 */
export function calendarFilterOf(
  accountId: number,
  query: Omit<EventListQuery, 'page' | 'per_page'>,
  window: { limit: number; offset: number },
): CalendarFilter {
  if (query.from && query.to && query.to.getTime() <= query.from.getTime()) {
    throw new AppError('validation_failed', 'to deve ser depois de from.', [
      { field: 'to', message: 'deve ser depois de from' },
    ]);
  }
  return {
    accountId,
    from: query.from,
    to: query.to,
    status: query.status,
    clientId: query.client_id,
    providerId: query.provider_id,
    ...window,
  };
}

/** The window of an API page. */
export const pageWindow = (query: Pick<EventListQuery, 'page' | 'per_page'>) => ({
  limit: query.per_page,
  offset: (query.page - 1) * query.per_page,
});
