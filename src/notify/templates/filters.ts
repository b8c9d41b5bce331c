import { localParts } from '../../shared/zoned-time.js';

/** What a variable holds, which decides its default format and the filters it accepts. */
export type ValueKind = 'text' | 'instant' | 'money';

/** The filters of `{{path | filtro}}`, each for one kind of value. */
export const FILTERS = {
  data: { kind: 'instant', description: 'Data: 07/06/2030' },
  hora: { kind: 'instant', description: 'Hora: 19:00' },
  data_hora: { kind: 'instant', description: 'Data e hora: 07/06/2030 às 19:00' },
  dia_semana: { kind: 'instant', description: 'Dia da semana: sábado' },
  moeda: { kind: 'money', description: 'Valor em reais: R$ 1.234,56' },
} as const satisfies Record<string, { kind: ValueKind; description: string }>;

export type FilterName = keyof typeof FILTERS;

export const isFilterName = (name: string): name is FilterName => Object.hasOwn(FILTERS, name);

const WEEKDAYS = ['domingo', 'segunda-feira', 'terça-feira', 'quarta-feira', 'quinta-feira', 'sexta-feira', 'sábado'];
const two = (value: number) => String(value).padStart(2, '0');

/** An instant in the business time zone, as a filter asks for it. */
export function formatInstant(at: Date, filter: Exclude<FilterName, 'moeda'>, timeZone: string): string {
  const parts = localParts(at, timeZone);
  const date = `${two(parts.day)}/${two(parts.month)}/${parts.year}`;
  const time = `${two(parts.hour)}:${two(parts.minute)}`;
  switch (filter) {
    case 'data':
      return date;
    case 'hora':
      return time;
    case 'data_hora':
      return `${date} às ${time}`;
    case 'dia_semana':
      return WEEKDAYS[parts.weekday] ?? '';
  }
}
