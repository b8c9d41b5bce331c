import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { MAX_CSV_BYTES } from './csv.js';

const CSV_TYPES = ['text/csv', 'application/csv'];

/**
 * Lets the plugin's routes take a CSV as multipart/form-data (the file in any file field) or as the
 * raw body with Content-Type text/csv. One byte over the limit still arrives, so the 413 can say why.
 */
export async function acceptCsvUploads(app: FastifyInstance): Promise<void> {
  await app.register(fastifyMultipart, { limits: { files: 1, fileSize: MAX_CSV_BYTES + 1, fields: 10, parts: 20 } });
  app.addContentTypeParser(CSV_TYPES, { parseAs: 'buffer', bodyLimit: MAX_CSV_BYTES + 1 }, (_request, body, done) =>
    done(null, body),
  );
}

const tooLarge = () => new AppError('payload_too_large', `O arquivo CSV passa de ${MAX_CSV_BYTES / 1024 / 1024} MB.`);

/** The uploaded CSV's bytes. */
export async function readCsvUpload(request: FastifyRequest): Promise<Buffer> {
  if (!request.isMultipart()) {
    if (Buffer.isBuffer(request.body)) return request.body;
    throw new AppError(
      'unsupported_media_type',
      'Envie o CSV como multipart/form-data (campo file) ou no corpo com Content-Type text/csv.',
    );
  }
  let file: Buffer | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') file = await part.toBuffer();
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw error;
  }
  if (!file)
    throw new AppError('validation_failed', 'Envie o arquivo CSV no campo file.', [
      { field: 'file', message: 'obrigatório' },
    ]);
  return file;
}

export const ImportResultSchema = z
  .object({
    imported: z.number().meta({ description: 'Linhas que criaram um cadastro' }),
    updated: z
      .number()
      .meta({ description: 'Linhas que atualizaram um cadastro existente (mesmo telefone, documento ou e-mail)' }),
    unchanged: z.number().meta({ description: 'Linhas de cadastros existentes que já estavam iguais' }),
    errors: z.array(
      z.object({
        row: z.number().meta({ description: 'Linha da planilha (o cabeçalho é a linha 1)' }),
        message: z.string(),
        field: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'CsvImportResult' });
export type ImportResult = z.infer<typeof ImportResultSchema>;

/** What one imported row did. */
export type ImportOutcome = 'created' | 'updated' | 'unchanged';

/** "name: informe o nome; email: …" from a row's validation issues. */
function issuesText(error: z.ZodError): { message: string; field?: string } {
  const parts = error.issues.map((issue) => {
    const path = issue.path.join('.');
    return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
  });
  const field = error.issues[0]?.path.join('.');
  return { message: parts.join('; '), ...(field ? { field } : {}) };
}

/**
 * Imports row by row, each in its own transaction: every valid row is saved, every invalid one is
 * reported with its spreadsheet row number, and a failing row leaves nothing behind.
 */
export async function importRows<T>(
  request: FastifyRequest,
  rows: Array<{ row: number; values: unknown }>,
  schema: z.ZodType<T>,
  save: (input: T) => Promise<ImportOutcome>,
): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, updated: 0, unchanged: 0, errors: [] };
  for (const { row, values } of rows) {
    const parsed = schema.safeParse(values);
    if (!parsed.success) {
      result.errors.push({ row, ...issuesText(parsed.error) });
      continue;
    }
    try {
      const outcome = await save(parsed.data);
      if (outcome === 'created') result.imported++;
      else result[outcome]++;
    } catch (error) {
      if (!(error instanceof AppError)) {
        request.log.error({ err: error, row }, 'CSV import row failed');
        result.errors.push({ row, message: 'Erro interno ao gravar esta linha; ela não foi importada.' });
        continue;
      }
      const field = (error.details as Array<{ field?: string }> | undefined)?.[0]?.field;
      result.errors.push({ row, message: error.message, ...(field ? { field } : {}) });
    }
  }
  return result;
}

/** Sends a CSV as a download named `fileName`. */
export const sendCsv = (reply: FastifyReply, fileName: string, csv: string) =>
  reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(csv);
