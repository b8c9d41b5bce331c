import { AppError } from '../shared/errors.js';

/** The largest CSV file an import accepts. */
export const MAX_CSV_BYTES = 5 * 1024 * 1024;

export type CsvDelimiter = ';' | ',';

const UTF8_BOM = '\uFEFF';

/**
 * Bytes to text: UTF-8 (with or without BOM) when the bytes are valid UTF-8, otherwise Latin-1, which
 * is what Excel in Portuguese saves as "CSV (separado por vírgulas)".
 */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes.byteLength > MAX_CSV_BYTES) {
    throw new AppError('payload_too_large', `O arquivo CSV passa de ${MAX_CSV_BYTES / 1024 / 1024} MB.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = new TextDecoder('latin1').decode(bytes);
  }
  return text.startsWith(UTF8_BOM) ? text.slice(1) : text;
}

/** `;` or `,`, whichever the header line (outside quotes) has more of; `,` when it has neither. */
export function detectDelimiter(text: string): CsvDelimiter {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char === ';') semicolons++;
    else if (!quoted && char === ',') commas++;
  }
  return semicolons > commas ? ';' : ',';
}

/**
 * RFC 4180 records: fields may be quoted ("a;b", "say ""hi""", line breaks inside), records end in
 * CRLF, LF or CR, and a final line break does not make an empty record. Throws 400 on a quote left open.
 */
export function parseCsv(text: string, delimiter: CsvDelimiter = detectDelimiter(text)): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let line = 1;
  let index = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '"' && field === '') {
      const startLine = line;
      index++;
      for (;;) {
        if (index >= text.length) {
          throw new AppError('invalid_csv', `CSV inválido: aspas abertas na linha ${startLine} nunca foram fechadas.`);
        }
        const inner = text[index] as string;
        if (inner === '"' && text[index + 1] === '"') {
          field += '"';
          index += 2;
        } else if (inner === '"') {
          index++;
          break;
        } else {
          if (inner === '\n') line++;
          field += inner;
          index++;
        }
      }
      const next = text[index];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new AppError('invalid_csv', `CSV inválido: texto depois de fechar aspas na linha ${line}.`);
      }
      // An empty quoted field ("") must still count as a field, even though `field` stays ''.
      if (next === undefined) break;
      continue;
    }
    if (char === delimiter) {
      endField();
      index++;
    } else if (char === '\r' || char === '\n') {
      endRecord();
      index += char === '\r' && text[index + 1] === '\n' ? 2 : 1;
      line++;
    } else {
      field += char;
      index++;
    }
  }
  if (field !== '' || record.length > 0 || text.endsWith('"')) endRecord();
  return records;
}

// A cell starting like a formula would run in Excel ("=HYPERLINK(…)"): export it behind an apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;

function escapeCell(value: string, delimiter: CsvDelimiter): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /["\r\n]/.test(safe) || safe.includes(delimiter) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** What was typed in a cell, without the apostrophe an export put in front of formula-like text. */
export const cellText = (value: string) => value.replace(/^'(?=[=+\-@\t\r])/, '').trim();

/** A CSV Excel in Portuguese opens as it is: UTF-8 with BOM, `;` between fields, CRLF between records. */
export function writeCsv(rows: string[][], delimiter: CsvDelimiter = ';'): string {
  return UTF8_BOM + rows.map((row) => `${row.map((cell) => escapeCell(cell, delimiter)).join(delimiter)}\r\n`).join('');
}

export interface CsvColumn<K extends string> {
  key: K;
  /** Header names accepted for the column (pt-BR and English); the first one is what exports write. */
  names: readonly string[];
  required?: boolean;
}

const headerKey = (name: string) =>
  name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');

/**
 * Which column index holds each key. A header with unknown, repeated or missing required columns is
 * refused (400) naming every one of them, so the person fixes the file once.
 */
export function mapHeader<K extends string>(header: string[], columns: readonly CsvColumn<K>[]) {
  const byName = new Map(columns.flatMap((column) => column.names.map((name) => [headerKey(name), column] as const)));
  const positions = new Map<K, number>();
  const problems: Array<{ field: string; message: string }> = [];
  header.forEach((raw, index) => {
    const name = cellText(raw);
    if (name === '') return;
    const column = byName.get(headerKey(name));
    if (!column) problems.push({ field: name, message: 'coluna desconhecida' });
    else if (positions.has(column.key)) problems.push({ field: name, message: 'coluna repetida' });
    else positions.set(column.key, index);
  });
  for (const column of columns) {
    if (column.required && !positions.has(column.key)) {
      problems.push({ field: column.names[0] as string, message: 'coluna obrigatória ausente' });
    }
  }
  if (problems.length > 0) {
    const accepted = columns.map((column) => column.names.slice(0, 2).join('/')).join(', ');
    throw new AppError(
      'invalid_csv',
      `Cabeçalho do CSV inválido: ${problems.map((problem) => `${problem.field} (${problem.message})`).join(', ')}. Colunas aceitas: ${accepted}.`,
      problems,
    );
  }
  return (cells: string[]) => {
    const values: Partial<Record<K, string>> = {};
    for (const [key, index] of positions) values[key] = cellText(cells[index] ?? '');
    return values;
  };
}

/** The rows of an uploaded CSV, as header → value records with their spreadsheet row number (header = 1). */
export function readCsvRecords<K extends string>(bytes: Uint8Array, columns: readonly CsvColumn<K>[]) {
  const [header, ...rows] = parseCsv(decodeCsv(bytes));
  if (!header) throw new AppError('invalid_csv', 'O arquivo CSV está vazio: envie o cabeçalho e as linhas.');
  const read = mapHeader(header, columns);
  return rows
    .map((cells, index) => ({ row: index + 2, values: read(cells) }))
    .filter(({ values }) => Object.values(values).some((value) => value !== ''));
}
