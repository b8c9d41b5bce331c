import { LRUCache } from 'lru-cache';
import type { User } from '../db/schema.js';
import { hmacSha256Hex, randomToken, sha256Hex } from '../shared/crypto.js';
import { AppError } from '../shared/errors.js';
import { ACCESS_CACHE_MS } from './access-cache.js';
import type { AuditRepo } from './audit.repo.js';
import type { CredentialsRepo } from './credentials.repo.js';
import { hashPassword, needsRehash, PASSWORD_MIN_LENGTH, verifyPassword } from './password.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import type { Membership, UsersRepo } from './users.repo.js';

export const SESSION_IDLE_MS = 24 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 14 * 24 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;
const PASSWORD_LINK_TTL_MS = { invitation: 7 * 24 * 60 * 60 * 1000, reset: 2 * 60 * 60 * 1000 };
const TOKEN_PREFIX = 'st_';

/** Who is calling, however they proved it. `accessToken` is the API token this caller may use. */
export interface Principal {
  userId: number;
  name: string;
  displayName: string | null;
  email: string;
  /** Has chosen a password (an invited agent who has not yet is unconfirmed, as in Chatwoot). */
  confirmed: boolean;
  via: 'session' | 'token';
  sessionId: number | null;
  accessToken: string;
}

export interface SignInResult {
  user: User;
  memberships: Membership[];
  sessionToken: string;
  accessToken: string;
  expiresAt: Date;
}

const WRONG_CREDENTIALS = 'E-mail ou senha incorretos.';

function principalOf(
  row: {
    user_id: number;
    name: string;
    display_name: string | null;
    email: string;
    confirmed: boolean;
    session_id: number | null;
  },
  via: Principal['via'],
  accessToken: string,
): Principal {
  return {
    userId: row.user_id,
    name: row.name,
    displayName: row.display_name,
    email: row.email,
    confirmed: row.confirmed,
    via,
    sessionId: row.session_id,
    accessToken,
  };
}

function assertPasswordStrength(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new AppError('unprocessable', `A senha precisa ter pelo menos ${PASSWORD_MIN_LENGTH} caracteres.`, [
      { field: 'password', message: `mínimo de ${PASSWORD_MIN_LENGTH} caracteres` },
    ]);
  }
}

export function createAuthService(deps: {
  users: UsersRepo;
  credentials: CredentialsRepo;
  audit: AuditRepo;
  throttle: SignInThrottle;
  secretKeyBase: string;
  frontendUrl: string;
}) {
  const { users, credentials, audit } = deps;
  // token/session hash → who it is; cleared at once by sign-out, revocation and password changes here.
  const principals = new LRUCache<string, Principal>({ max: 20_000, ttl: ACCESS_CACHE_MS });
  // The API token of a browser session is derived from the session cookie, so it needs no plaintext storage.
  const sessionAccessToken = (sessionToken: string) =>
    `${TOKEN_PREFIX}${Buffer.from(hmacSha256Hex(deps.secretKeyBase, `session-api:${sessionToken}`), 'hex').toString('base64url')}`;

  async function signIn(input: {
    email: string;
    password: string;
    ip: string;
    userAgent: string | null;
  }): Promise<SignInResult> {
    const retryAfter = await deps.throttle.blockedFor(input.ip, input.email);
    if (retryAfter > 0) {
      throw new AppError(
        'too_many_requests',
        'Muitas tentativas de entrar. Aguarde um minuto e tente de novo.',
        undefined,
        {
          'retry-after': String(retryAfter),
        },
      );
    }
    const user = await users.findUserByEmail(input.email);
    const valid = await verifyPassword(user?.password_hash, input.password);
    if (!user || !valid) {
      await deps.throttle.recordFailure(input.ip, input.email);
      const firstAccount = user ? (await users.memberships(user.id))[0]?.account_id : undefined;
      await audit.record({
        action: 'auth.sign_in_failed',
        accountId: firstAccount ?? null,
        actorUserId: user?.id ?? null,
        ip: input.ip,
        details: { email: input.email.trim().toLowerCase().slice(0, 200) },
      });
      throw new AppError('invalid_credentials', WRONG_CREDENTIALS);
    }
    await deps.throttle.recordSuccess(input.email);
    if (user.password_hash && needsRehash(user.password_hash)) {
      await users.updateUser(user.id, { password_hash: await hashPassword(input.password) });
    }
    // A new session (and token) at every sign-in: a cookie planted before sign-in is never promoted.
    const sessionToken = randomToken('', 32);
    const expiresAt = new Date(Date.now() + SESSION_ABSOLUTE_MS);
    const session = await credentials.createSession({
      userId: user.id,
      tokenHash: sha256Hex(sessionToken),
      ip: input.ip,
      userAgent: input.userAgent,
      expiresAt,
    });
    const accessToken = sessionAccessToken(sessionToken);
    await credentials.createAccessToken({
      userId: user.id,
      sessionId: session.id,
      name: 'Sessão do navegador',
      tokenHash: sha256Hex(accessToken),
      hint: accessToken.slice(-4),
    });
    const memberships = await users.memberships(user.id);
    await audit.record({
      action: 'auth.sign_in',
      accountId: memberships[0]?.account_id ?? null,
      actorUserId: user.id,
      targetType: 'session',
      targetId: session.id,
      ip: input.ip,
    });
    return { user, memberships, sessionToken, accessToken, expiresAt };
  }

  async function authenticateSession(sessionToken: string): Promise<Principal | null> {
    const hash = sha256Hex(sessionToken);
    const cached = principals.get(`s:${hash}`);
    if (cached) return cached;
    const row = await credentials.findLiveSession(hash, SESSION_IDLE_MS);
    if (!row) return null;
    if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) await credentials.touchSession(row.session_id);
    const principal = principalOf(row, 'session', sessionAccessToken(sessionToken));
    principals.set(`s:${hash}`, principal);
    return principal;
  }

  async function authenticateToken(token: string): Promise<Principal | null> {
    const hash = sha256Hex(token);
    const cached = principals.get(`t:${hash}`);
    if (cached) return cached;
    const row = await credentials.findLiveToken(hash, SESSION_IDLE_MS);
    if (!row) return null;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > TOUCH_EVERY_MS) {
      await credentials.touchToken(row.token_id, row.session_id);
    }
    const principal = principalOf(row, 'token', token);
    principals.set(`t:${hash}`, principal);
    return principal;
  }

  async function createPersonalToken(input: {
    userId: number;
    name: string;
    ip: string | null;
    accountId: number | null;
  }) {
    const token = randomToken(TOKEN_PREFIX, 32);
    const row = await credentials.createAccessToken({
      userId: input.userId,
      sessionId: null,
      name: input.name,
      tokenHash: sha256Hex(token),
      hint: token.slice(-4),
    });
    await audit.record({
      action: 'token.created',
      accountId: input.accountId,
      actorUserId: input.userId,
      targetType: 'access_token',
      targetId: row.id,
      ip: input.ip,
      details: { name: input.name },
    });
    return { ...row, token };
  }

  /** A single-use link for an invited agent (or a reset) to choose a password. */
  async function createPasswordLink(userId: number, purpose: 'invitation' | 'reset'): Promise<string> {
    const token = randomToken('', 32);
    await credentials.createPasswordToken({
      userId,
      purpose,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + PASSWORD_LINK_TTL_MS[purpose]),
    });
    return `${deps.frontendUrl}/definir-senha?token=${encodeURIComponent(token)}`;
  }

  async function setPassword(userId: number, password: string): Promise<void> {
    assertPasswordStrength(password);
    await users.updateUser(userId, { password_hash: await hashPassword(password) });
    // A new password ends every open session of that person.
    await credentials.revokeAllSessions(userId);
    principals.clear();
  }

  async function setPasswordWithToken(token: string, password: string, ip: string): Promise<void> {
    assertPasswordStrength(password);
    const link = await credentials.consumePasswordToken(sha256Hex(token));
    if (!link) throw new AppError('not_found', 'Este link expirou ou já foi usado. Peça um novo ao administrador.');
    await setPassword(link.user_id, password);
    await audit.record({ action: `auth.password_set`, actorUserId: link.user_id, ip, details: { via: link.purpose } });
  }

  return {
    signIn,
    async signOut(sessionId: number) {
      await credentials.revokeSession(sessionId);
      principals.clear();
    },
    listPersonalTokens: (userId: number) => credentials.listPersonalTokens(userId),
    async revokePersonalToken(userId: number, tokenId: number) {
      const revoked = await credentials.revokePersonalToken(userId, tokenId);
      principals.clear();
      return revoked;
    },
    /** Forget cached callers (a user's name or e-mail changed). */
    forgetCachedCallers: () => principals.clear(),
    authenticateSession,
    authenticateToken,
    createPersonalToken,
    createPasswordLink,
    setPassword,
    setPasswordWithToken,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
