import { type CsvColumn, writeCsv } from '../csv.js';
import type { ClientView, CreateClientInput } from './client-schemas.js';

type ClientColumn =
  | 'name'
  | 'phone_number'
  | 'email'
  | 'document'
  | 'street'
  | 'number'
  | 'district'
  | 'city'
  | 'state'
  | 'zip'
  | 'notes';

/** Import and export columns; the first name of each is the export's header. */
export const CLIENT_COLUMNS: readonly CsvColumn<ClientColumn>[] = [
  { key: 'name', names: ['nome', 'name'], required: true },
  { key: 'phone_number', names: ['telefone', 'phone_number', 'phone', 'celular', 'whatsapp'], required: true },
  { key: 'email', names: ['email', 'e-mail'] },
  { key: 'document', names: ['documento', 'document', 'cpf/cnpj', 'cpf_cnpj', 'cpf', 'cnpj'] },
  { key: 'street', names: ['rua', 'street', 'logradouro', 'endereço'] },
  { key: 'number', names: ['número', 'number'] },
  { key: 'district', names: ['bairro', 'district'] },
  { key: 'city', names: ['cidade', 'city'] },
  { key: 'state', names: ['estado', 'state', 'uf'] },
  { key: 'zip', names: ['cep', 'zip'] },
  { key: 'notes', names: ['observações', 'notes', 'obs'] },
];

const ADDRESS_COLUMNS = ['street', 'number', 'district', 'city', 'state', 'zip'] as const;

/** A CSV row as the body POST /clients takes (blank cells are left out). */
export function clientInputFromCsv(values: Partial<Record<ClientColumn, string>>): Partial<CreateClientInput> {
  const filled = (key: ClientColumn) => values[key] || undefined;
  const address = Object.fromEntries(ADDRESS_COLUMNS.flatMap((key) => (filled(key) ? [[key, filled(key)]] : [])));
  return {
    name: filled('name'),
    phone_number: filled('phone_number'),
    ...(filled('email') ? { email: filled('email') } : {}),
    ...(filled('document') ? { document: filled('document') } : {}),
    ...(Object.keys(address).length > 0 ? { address } : {}),
    ...(filled('notes') ? { notes: filled('notes') } : {}),
  };
}

const cellOf = (client: ClientView, key: ClientColumn): string => {
  if ((ADDRESS_COLUMNS as readonly string[]).includes(key)) {
    return (client.address as Record<string, string | undefined>)[key] ?? '';
  }
  return String(client[key as keyof ClientView] ?? '');
};

/** The export: the import's columns, so a file can go out, be edited in Excel and come back. */
export async function clientsCsv(clients: AsyncIterable<ClientView>): Promise<string> {
  const rows = [CLIENT_COLUMNS.map((column) => column.names[0] as string)];
  for await (const client of clients) rows.push(CLIENT_COLUMNS.map((column) => cellOf(client, column.key)));
  return writeCsv(rows);
}
