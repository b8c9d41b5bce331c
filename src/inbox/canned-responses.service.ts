import { isUniqueViolation } from '../db/errors.js';
import { AppError, notFound } from '../shared/errors.js';
import type { CannedResponse, CannedResponsesRepo, CannedResponseValues } from './canned-responses.repo.js';

function duplicateShortCode(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error;
  return new AppError('unprocessable', 'Já existe uma resposta pronta com este atalho.', [
    { field: 'short_code', message: 'já em uso' },
  ]);
}

/**
 * Canned responses: a short code and the text it expands to. Variables such as {{contact.name}} are
 * stored as written; they are filled in when a message is sent.
 */
export function createCannedResponsesService(deps: { cannedResponses: CannedResponsesRepo }) {
  const repo = deps.cannedResponses;
  return {
    list: (accountId: number, search?: string) => repo.list(accountId, search),

    async create(accountId: number, values: { short_code: string; content: string }): Promise<CannedResponse> {
      return repo.create(accountId, values).catch((error) => {
        throw duplicateShortCode(error);
      });
    },

    async update(accountId: number, id: number, values: CannedResponseValues): Promise<CannedResponse> {
      const updated = await repo.update(accountId, id, values).catch((error) => {
        throw duplicateShortCode(error);
      });
      if (!updated) throw notFound('Resposta pronta');
      return updated;
    },

    async remove(accountId: number, id: number): Promise<void> {
      if (!(await repo.remove(accountId, id))) throw notFound('Resposta pronta');
    },
  };
}

export type CannedResponsesService = ReturnType<typeof createCannedResponsesService>;
