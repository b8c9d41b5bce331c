import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { type InboxScope, inScope } from '../../inbox/inbox-access.js';
import { AppError } from '../../shared/errors.js';
import { clientsRepo } from '../clients/clients.repo.js';
import { missingReference, requireConversation } from '../pipeline/references.js';
import { findServiceTypeByNameOrId } from '../service-types/service-types.repo.js';
import { MAX_EVENT_DAYS, MAX_EVENT_MS } from './event-time.js';

type Executor = Kysely<Database>;

// Turning what a request names (a client id, "Garçom", a conversation number) into rows of the same
// account; another account's ids answer exactly like unknown ones.

export interface ResolvedStaffing {
  serviceTypeId: number;
  service: string;
  quantity: number;
}

const fieldError = (code: 'not_found' | 'unprocessable', field: string, message: string) =>
  new AppError(code, message, [{ field, message }]);

/** ends_at strictly after starts_at, and no longer than the calendar can find. */
export function checkEventTimes(startsAt: Date, endsAt: Date): void {
  if (endsAt.getTime() <= startsAt.getTime()) {
    throw fieldError('unprocessable', 'ends_at', 'ends_at deve ser depois de starts_at.');
  }
  if (endsAt.getTime() - startsAt.getTime() > MAX_EVENT_MS) {
    throw fieldError('unprocessable', 'ends_at', `Um evento dura no máximo ${MAX_EVENT_DAYS} dias (ends_at).`);
  }
}

export async function requireClient(db: Executor, accountId: number, clientId: number) {
  const client = await clientsRepo.find(db, accountId, clientId);
  if (!client) throw fieldError('not_found', 'client_id', 'Cliente não encontrado (client_id).');
  return client;
}

export async function resolveServiceType(db: Executor, accountId: number, ref: string | number, field: string) {
  const type = await findServiceTypeByNameOrId(db, accountId, ref);
  if (!type) throw fieldError('unprocessable', field, `Tipo de serviço desconhecido: ${ref} (${field}).`);
  return type;
}

export async function resolveStaffing(
  db: Executor,
  accountId: number,
  staffing: ReadonlyArray<{ service: string | number; quantity: number }>,
): Promise<ResolvedStaffing[]> {
  const resolved: ResolvedStaffing[] = [];
  for (const [index, line] of staffing.entries()) {
    const field = `staffing.${index}.service`;
    const type = await resolveServiceType(db, accountId, line.service, field);
    if (resolved.some((item) => item.serviceTypeId === type.id)) {
      throw fieldError('unprocessable', field, `O serviço ${type.name} aparece mais de uma vez em staffing.`);
    }
    resolved.push({ serviceTypeId: type.id, service: type.name, quantity: line.quantity });
  }
  return resolved;
}

/**
 * The internal id of the conversation numbered `displayId`. An agent links only conversations of the
 * inboxes they see: the others answer 404, like every hidden conversation.
 */
export async function resolveConversation(db: Executor, accountId: number, displayId: number, scope: InboxScope) {
  const conversation = await requireConversation(db, accountId, displayId, 'conversation_id');
  if (!inScope(scope, conversation.inbox_id)) throw missingReference('conversation_id', 'Conversa', displayId);
  return conversation.id;
}
