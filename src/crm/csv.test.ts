import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import {
  cellText,
  decodeCsv,
  detectDelimiter,
  MAX_CSV_BYTES,
  mapHeader,
  parseCsv,
  readCsvRecords,
  writeCsv,
} from './csv.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks inside', () => {
    const text = 'nome;obs\r\n"Silva; Maria";"disse ""oi""\nde novo"\r\n';
    expect(parseCsv(text, ';')).toEqual([
      ['nome', 'obs'],
      ['Silva; Maria', 'disse "oi"\nde novo'],
    ]);
  });

  it('accepts LF, CRLF and CR line endings and no final line break', () => {
    expect(parseCsv('a,b\nc,d\r\ne,f\rg,h', ',')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('keeps empty fields, quoted or not, at the end of a record', () => {
    expect(parseCsv('a,,""\nb,', ',')).toEqual([
      ['a', '', ''],
      ['b', ''],
    ]);
  });

  it('refuses a quote left open and text after a closing quote (400 naming the line)', () => {
    const open = errorOf(() => parseCsv('a;b\n"sem fim;x\n', ';'));
    expect(open).toMatchObject({ code: 'invalid_csv', status: 400 });
    expect(open.message).toContain('linha 2');
    expect(errorOf(() => parseCsv('"a"b;c', ';')).code).toBe('invalid_csv');
  });
});

describe('detectDelimiter', () => {
  it('picks the delimiter the header line uses, ignoring quoted text and later lines', () => {
    expect(detectDelimiter('nome;telefone;email\n"a,b,c";1;2')).toBe(';');
    expect(detectDelimiter('"nome;completo",telefone\n1;2;3;4')).toBe(',');
    expect(detectDelimiter('nome\nMaria')).toBe(',');
  });
});

describe('decodeCsv', () => {
  it('reads UTF-8 with and without BOM', () => {
    expect(decodeCsv(bytes('\uFEFFnome;cidade\nJoão;São Paulo'))).toBe('nome;cidade\nJoão;São Paulo');
    expect(decodeCsv(bytes('nome\nJoão'))).toBe('nome\nJoão');
  });

  it('falls back to Latin-1 when the bytes are not UTF-8', () => {
    const latin1 = Uint8Array.from([0x4a, 0x6f, 0xe3, 0x6f, 0x3b, 0x53, 0xe3, 0x6f]); // "João;São"
    expect(decodeCsv(latin1)).toBe('João;São');
  });

  it('refuses a file over the size limit (413)', () => {
    expect(errorOf(() => decodeCsv(new Uint8Array(MAX_CSV_BYTES + 1)))).toMatchObject({
      code: 'payload_too_large',
      status: 413,
    });
  });
});

describe('writeCsv', () => {
  it('writes a BOM, `;` and CRLF, quoting what needs it; the parser reads it back', () => {
    const rows = [
      ['nome', 'obs'],
      ['Silva; Maria', 'disse "oi"\nde novo'],
    ];
    const text = writeCsv(rows);
    expect(text.startsWith('\uFEFFnome;obs\r\n')).toBe(true);
    expect(parseCsv(decodeCsv(bytes(text)))).toEqual(rows);
  });

  it('puts an apostrophe before formula-like cells, and import reads the typed value back', () => {
    const text = writeCsv([['=HYPERLINK("x")', '+5511987654321', 'normal']]);
    expect(text).toContain(`"'=HYPERLINK(""x"")";'+5511987654321;normal`);
    const [cells] = parseCsv(decodeCsv(bytes(text)));
    expect(cells?.map(cellText)).toEqual(['=HYPERLINK("x")', '+5511987654321', 'normal']);
  });
});

describe('mapHeader and readCsvRecords', () => {
  const columns = [
    { key: 'name', names: ['nome', 'name'], required: true },
    { key: 'phone', names: ['telefone', 'phone_number'], required: true },
    { key: 'email', names: ['email', 'e-mail'] },
  ] as const;

  it('matches pt-BR and English names, ignoring case, accents and spaces', () => {
    const read = mapHeader(['NOME', ' Phone Number ', 'E-mail'], columns);
    expect(read(['Maria', '11 98765-4321', ' m@x.com '])).toEqual({
      name: 'Maria',
      phone: '11 98765-4321',
      email: 'm@x.com',
    });
  });

  it('refuses unknown, repeated and missing columns, naming each (400)', () => {
    const error = errorOf(() => mapHeader(['nome', 'name', 'idade'], columns));
    expect(error).toMatchObject({ code: 'invalid_csv', status: 400 });
    expect(error.details).toEqual([
      { field: 'name', message: 'coluna repetida' },
      { field: 'idade', message: 'coluna desconhecida' },
      { field: 'telefone', message: 'coluna obrigatória ausente' },
    ]);
    expect(error.message).toContain('idade');
  });

  it('numbers rows as the spreadsheet does and skips blank ones', () => {
    const records = readCsvRecords(bytes('nome;telefone\nAna;1\n;\nBia;2\n'), columns);
    expect(records).toEqual([
      { row: 2, values: { name: 'Ana', phone: '1' } },
      { row: 4, values: { name: 'Bia', phone: '2' } },
    ]);
  });

  it('refuses an empty file', () => {
    expect(errorOf(() => readCsvRecords(bytes(''), columns)).code).toBe('invalid_csv');
  });
});
