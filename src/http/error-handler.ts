import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/errors.js';
import { AppError, ERROR_STATUS, type ErrorCode } from '../shared/errors.js';

interface FieldProblem {
  field: string;
  message: string;
}

function validationProblems(error: FastifyError): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.validation ?? []) {
    const keys = (issue.params as { keys?: unknown } | undefined)?.keys;
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const key of keys) {
        problems.push({ field: path ? `${path}.${key}` : String(key), message: 'campo desconhecido' });
      }
    } else {
      problems.push({ field: path || (error.validationContext ?? 'body'), message: issue.message ?? 'inválido' });
    }
  }
  return problems;
}

const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'O corpo da requisição é grande demais.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'Tipo de conteúdo não suportado: envie application/json.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'O corpo da requisição não é um JSON válido.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_json',
    message: 'O corpo está vazio, mas o Content-Type diz application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad_request', message: 'Content-Length inválido.' },
};

const STATUS_CODES = Object.fromEntries(
  Object.entries(ERROR_STATUS).map(([code, status]) => [status, code as ErrorCode]),
) as Record<number, ErrorCode>;

/** One error handler: `{error, message, details?}` with the right status, never a stack trace. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers) void reply.headers(error.headers);
      return reply.code(error.status).send({
        error: error.code,
        message: error.message,
        ...(error.details === undefined ? {} : { details: error.details }),
      });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = validationProblems(error);
      const fields = [...new Set(details.map((problem) => problem.field))].join(', ');
      return reply.code(400).send({
        error: 'validation_failed',
        message: `Dados inválidos: ${fields}.`,
        details,
      });
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return reply.code(ERROR_STATUS[known.code]).send({ error: known.code, message: known.message });
    if (error instanceof SyntaxError && error.statusCode === 400) {
      return reply.code(400).send({ error: 'invalid_json', message: 'O corpo da requisição não é um JSON válido.' });
    }
    // Text PostgreSQL cannot store (a NUL character, an invalid escape in JSON): the input's fault.
    if (error.code === '22021' || error.code === '22P05') {
      return reply
        .code(400)
        .send({ error: 'bad_request', message: 'O texto enviado contém caracteres inválidos (como NUL).' });
    }
    // A row other rows still depend on (e.g. a contact whose client has events): refuse, do not crash.
    if (error.code === '23503') {
      request.log.info({ constraint: (error as { constraint?: string }).constraint }, 'Refused: row in use');
      return reply.code(409).send({
        error: 'conflict',
        message: 'Não foi possível concluir: outros registros dependem deste (por exemplo, eventos de um cliente).',
      });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'Database unavailable');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ error: 'unavailable', message: 'Serviço temporariamente indisponível. Tente de novo em instantes.' });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500 && !isResponseSerializationError(error)) {
      return reply.code(status).send({ error: STATUS_CODES[status] ?? 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'Unhandled error');
    return reply
      .code(500)
      .send({ error: 'internal_error', message: 'Erro interno. A equipe técnica foi avisada pelo log.' });
  });
}
