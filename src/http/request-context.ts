import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../accounts/auth.service.js';
import type { Role } from '../db/schema.js';
import { AppError } from '../shared/errors.js';

export const SESSION_COOKIE = 'santana_session';

export interface AccountScope {
  id: number;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    account: AccountScope | null;
  }
  interface FastifyContextConfig {
    /**
     * false: the route answers servers, not browsers (Meta's webhook deliveries), and its replies carry
     * only `x-content-type-options: nosniff` instead of the browser security headers (see http/server.ts).
     */
    browserHeaders?: boolean;
  }
}

/** The signed-in caller; routes behind the API auth hook always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'Faça login para continuar.');
  return request.principal;
}

/** The account of an `/accounts/:account_id` route, already checked for membership. */
export function accountOf(request: FastifyRequest): AccountScope {
  if (!request.account) throw new AppError('not_found', 'Conta não encontrada.');
  return request.account;
}

export async function requireAdministrator(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (accountOf(request).role !== 'administrator') {
    throw new AppError('forbidden', 'Somente administradores podem fazer isso.');
  }
}
