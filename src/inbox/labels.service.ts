import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { inTransaction } from '../db/transaction.js';
import { AppError, notFound } from '../shared/errors.js';
import type { Label, LabelsRepo, LabelValues } from './labels.repo.js';

// Chatwoot's rule: letters (any alphabet, so "orçamento" works), digits, "-" and "_".
const TITLE = /^[\p{L}\p{N}_-]+$/u;

/** A label title as stored: trimmed and lowercase (Chatwoot keeps them lowercase), or 422 saying why not. */
export function labelTitle(raw: string): string {
  const title = raw.trim().toLocaleLowerCase('pt-BR');
  if (!TITLE.test(title)) {
    throw new AppError('unprocessable', 'O título da etiqueta aceita apenas letras, números, "-" e "_".', [
      { field: 'title', message: 'use apenas letras, números, "-" e "_" (sem espaços)' },
    ]);
  }
  return title;
}

function duplicateTitle(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error;
  return new AppError('unprocessable', 'Já existe uma etiqueta com este título.', [
    { field: 'title', message: 'já em uso' },
  ]);
}

/** Labels: renaming or deleting one changes every conversation and contact that carries it, atomically. */
export function createLabelsService(deps: { db: Db; labels: LabelsRepo }) {
  const { labels } = deps;

  async function get(accountId: number, id: number): Promise<Label> {
    const label = await labels.find(accountId, id);
    if (!label) throw notFound('Etiqueta');
    return label;
  }

  return {
    list: (accountId: number) => labels.list(accountId),
    get,

    async create(accountId: number, values: LabelValues & { title: string }): Promise<Label> {
      return labels.create(accountId, { ...values, title: labelTitle(values.title) }).catch((error) => {
        throw duplicateTitle(error);
      });
    },

    async update(accountId: number, id: number, values: LabelValues): Promise<Label> {
      const title = values.title === undefined ? undefined : labelTitle(values.title);
      return inTransaction(deps.db, async ({ trx }) => {
        const before = await labels.find(accountId, id, trx);
        if (!before) throw notFound('Etiqueta');
        const after = await labels.update(accountId, id, { ...values, title }, trx).catch((error) => {
          throw duplicateTitle(error);
        });
        if (!after) throw notFound('Etiqueta');
        if (after.title !== before.title) await labels.renameInUses(accountId, before.title, after.title, trx);
        return after;
      });
    },

    async remove(accountId: number, id: number): Promise<void> {
      await inTransaction(deps.db, async ({ trx }) => {
        const label = await labels.find(accountId, id, trx);
        if (!label || !(await labels.remove(accountId, id, trx))) throw notFound('Etiqueta');
        await labels.removeFromUses(accountId, label.title, trx);
      });
    },
  };
}

export type LabelsService = ReturnType<typeof createLabelsService>;
