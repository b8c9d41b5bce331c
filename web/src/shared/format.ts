/** Business time zone (APP_TIMEZONE): the team works in São Paulo time whatever the browser says. */
export const TIME_ZONE = 'America/Sao_Paulo';

const time = new Intl.DateTimeFormat('pt-BR', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });
const dateTime = new Intl.DateTimeFormat('pt-BR', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dayKey = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const longDay = new Intl.DateTimeFormat('pt-BR', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const shortDay = new Intl.DateTimeFormat('pt-BR', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit' });
const money = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

/** The API sends Chatwoot's Unix seconds; Santana's own fields are ISO strings. */
export function toDate(value: number | string | Date | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return typeof value === 'number' ? new Date(value * 1000) : new Date(value);
}

export const formatTime = (value: Date) => time.format(value);
export const formatDateTime = (value: Date) => dateTime.format(value);
/** YYYY-MM-DD in São Paulo: groups messages by the business day. */
export const dayOf = (value: Date) => dayKey.format(value);

const DAY_WORDS = { 'pt-BR': { today: 'Hoje', yesterday: 'Ontem' }, en: { today: 'Today', yesterday: 'Yesterday' } };
const longDayEn = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** "Hoje", "Ontem" or "12 de março de 2026" (or the English words), for day separators. */
export function formatDay(value: Date, now = new Date(), locale: 'pt-BR' | 'en' = 'pt-BR'): string {
  const day = dayOf(value);
  if (day === dayOf(now)) return DAY_WORDS[locale].today;
  if (day === dayOf(new Date(now.getTime() - 86_400_000))) return DAY_WORDS[locale].yesterday;
  return (locale === 'en' ? longDayEn : longDay).format(value);
}

/** Conversation list times: the hour today, the date otherwise. */
export function formatListTime(value: Date, now = new Date()): string {
  return dayOf(value) === dayOf(now) ? time.format(value) : shortDay.format(value);
}

export const formatMoney = (cents: number) => money.format(cents / 100);
