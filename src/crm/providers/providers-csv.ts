import { type CsvColumn, writeCsv } from '../csv.js';
import type { ProviderView } from './provider-schemas.js';

type ProviderColumn = 'name' | 'phone_number' | 'email' | 'document' | 'services' | 'regions' | 'active' | 'notes';

/** Import and export columns; the first name of each is the export's header. */
export const PROVIDER_COLUMNS: readonly CsvColumn<ProviderColumn>[] = [
  { key: 'name', names: ['nome', 'name'], required: true },
  { key: 'phone_number', names: ['telefone', 'phone_number', 'phone', 'celular', 'whatsapp'], required: true },
  { key: 'email', names: ['email', 'e-mail'] },
  { key: 'document', names: ['documento', 'document', 'cpf/cnpj', 'cpf_cnpj', 'cpf', 'cnpj'] },
  { key: 'services', names: ['serviços', 'services'] },
  { key: 'regions', names: ['regiões', 'regions'] },
  { key: 'active', names: ['ativo', 'active'] },
  { key: 'notes', names: ['observações', 'notes', 'obs'] },
];

// Lists inside one cell: "Garçom, DJ" or "Garçom | DJ".
const LIST_SEPARATOR = /[,|;]/;
const YES = new Set(['sim', 's', 'yes', 'y', 'true', '1', 'ativo']);
const NO = new Set(['não', 'nao', 'n', 'no', 'false', '0', 'inativo']);

const listOf = (cell: string) =>
  cell
    .split(LIST_SEPARATOR)
    .map((item) => item.trim())
    .filter(Boolean);

/** A CSV row as the body POST /providers takes; blank cells are left out (an update keeps those values). */
export function providerInputFromCsv(values: Partial<Record<ProviderColumn, string>>): Record<string, unknown> {
  const filled = (key: ProviderColumn) => values[key] || undefined;
  const active = filled('active')?.toLowerCase();
  return {
    name: filled('name'),
    phone_number: filled('phone_number'),
    ...(filled('email') ? { email: filled('email') } : {}),
    ...(filled('document') ? { document: filled('document') } : {}),
    ...(filled('services') ? { services: listOf(filled('services') as string) } : {}),
    ...(filled('regions') ? { regions: listOf(filled('regions') as string) } : {}),
    // Anything but yes/no stays text, so the row is refused naming the column.
    ...(active ? { active: YES.has(active) ? true : NO.has(active) ? false : active } : {}),
    ...(filled('notes') ? { notes: filled('notes') } : {}),
  };
}

function cellOf(provider: ProviderView, key: ProviderColumn): string {
  if (key === 'services') return provider.services.map((service) => service.name).join(', ');
  if (key === 'regions') return provider.regions.join(', ');
  if (key === 'active') return provider.active ? 'sim' : 'não';
  return provider[key] ?? '';
}

/** The export: the import's columns, so a file can go out, be edited in Excel and come back. */
export async function providersCsv(providers: AsyncIterable<ProviderView>): Promise<string> {
  const rows = [PROVIDER_COLUMNS.map((column) => column.names[0] as string)];
  for await (const provider of providers) rows.push(PROVIDER_COLUMNS.map((column) => cellOf(provider, column.key)));
  return writeCsv(rows);
}
