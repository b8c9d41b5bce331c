import type { FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema.js';
import { accountOf, principalOf } from '../../http/request-context.js';

/** Who is acting on the CRM: the audit log records the user and address; some rules depend on the role. */
export interface CrmActor {
  accountId: number;
  userId: number;
  role: Role;
  ip: string | null;
}

export function crmActorOf(request: FastifyRequest): CrmActor {
  const account = accountOf(request);
  return { accountId: account.id, userId: principalOf(request).userId, role: account.role, ip: request.ip };
}
