import type { FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema.js';
import { accountOf, principalOf } from '../../http/request-context.js';
import type { Actor } from '../../inbox/member-set.js';

/** Who is changing the account (for the audit log). */
export function actorOf(request: FastifyRequest): Actor {
  return { accountId: accountOf(request).id, userId: principalOf(request).userId, ip: request.ip };
}

/** Who is looking: agents see less than administrators. */
export function viewerOf(request: FastifyRequest): { userId: number; role: Role } {
  return { userId: principalOf(request).userId, role: accountOf(request).role };
}
