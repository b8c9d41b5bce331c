/**
 * The longest an event may last. The calendar query finds events overlapping a range through the
 * (account_id, starts_at) index; this bound is what lets it look back only this far before `from`.
 */
export const MAX_EVENT_DAYS = 14;
export const MAX_EVENT_MS = MAX_EVENT_DAYS * 24 * 60 * 60 * 1000;

/** "07/06/2025 19:00" in the business time zone (APP_TIMEZONE, São Paulo by default). */
export function formatLocalDateTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('pt-BR', {
      timeZone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}
