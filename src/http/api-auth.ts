import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MembershipCache } from '../accounts/access-cache.js';
import type { AuthService } from '../accounts/auth.service.js';
import { AppError } from '../shared/errors.js';
import { SESSION_COOKIE } from './request-context.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** API tokens arrive as `api_access_token` (Chatwoot), `api-access-token` (n8n) or a Bearer header. */
export function tokenFromHeaders(request: FastifyRequest): string | undefined {
  const headers = request.headers;
  const direct = headers.api_access_token ?? headers['api-access-token'];
  if (typeof direct === 'string' && direct.length > 0) return direct;
  const authorization = headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim() || undefined;
  return undefined;
}

/**
 * Cookie-authenticated requests that change state must come from our own pages: their Origin (or
 * Referer) has to be the configured FRONTEND_URL or the host the request was sent to.
 */
export function assertSameOrigin(request: FastifyRequest, frontendUrl: string): void {
  const source = request.headers.origin ?? request.headers.referer;
  let origin: string | undefined;
  try {
    origin = source ? new URL(source).origin : undefined;
  } catch {
    origin = undefined;
  }
  const allowed = new Set([new URL(frontendUrl).origin, `${request.protocol}://${request.host}`]);
  if (!origin || !allowed.has(origin)) {
    throw new AppError('csrf_rejected', 'Origem da requisição não permitida.');
  }
}

/** Resolves who is calling every `/api/v1` route; account-scoped routes also check membership (404 otherwise). */
export function registerApiAuth(
  app: FastifyInstance,
  deps: { auth: AuthService; memberships: MembershipCache; frontendUrl: string },
) {
  app.decorateRequest('principal', null);
  app.decorateRequest('account', null);

  return {
    async authenticate(request: FastifyRequest) {
      const token = tokenFromHeaders(request);
      if (token) {
        request.principal = await deps.auth.authenticateToken(token);
      } else {
        const cookie = request.cookies[SESSION_COOKIE];
        if (cookie) {
          request.principal = await deps.auth.authenticateSession(cookie);
          if (request.principal && !SAFE_METHODS.has(request.method)) assertSameOrigin(request, deps.frontendUrl);
        }
      }
      if (!request.principal) throw new AppError('unauthorized', 'Faça login ou envie um token de acesso válido.');
    },

    async loadAccount(request: FastifyRequest) {
      const raw = (request.params as { account_id?: string }).account_id ?? '';
      const accountId = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
      const principal = request.principal;
      const membership =
        principal && Number.isSafeInteger(accountId)
          ? await deps.memberships.in(accountId, principal.userId)
          : undefined;
      // Someone else's account answers exactly like one that does not exist.
      if (!membership) throw new AppError('not_found', 'Conta não encontrada.');
      request.account = { id: accountId, role: membership.role };
    },
  };
}
