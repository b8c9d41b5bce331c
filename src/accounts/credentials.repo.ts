import { sql } from 'kysely';
import type { Db } from '../db/client.js';

export interface AuthenticatedRow {
  user_id: number;
  name: string;
  display_name: string | null;
  email: string;
}

/** Sessions, API access tokens and password (invitation/reset) tokens. Only hashes are stored. */
export function createCredentialsRepo(db: Db) {
  return {
    async createSession(values: {
      userId: number;
      tokenHash: string;
      ip: string | null;
      userAgent: string | null;
      expiresAt: Date;
    }) {
      return db
        .insertInto('sessions')
        .values({
          user_id: values.userId,
          token_hash: values.tokenHash,
          ip: values.ip,
          user_agent: values.userAgent?.slice(0, 300) ?? null,
          expires_at: values.expiresAt,
        })
        .returning(['id', 'expires_at'])
        .executeTakeFirstOrThrow();
    },

    /** A session that is neither revoked, past its absolute expiry, nor idle for longer than idleMs. */
    async findLiveSession(tokenHash: string, idleMs: number) {
      return db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id as session_id',
          'sessions.last_seen_at',
          'users.id as user_id',
          'users.name',
          'users.display_name',
          'users.email',
          sql<boolean>`users.password_hash IS NOT NULL`.as('confirmed'),
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .where('sessions.revoked_at', 'is', null)
        .where('sessions.expires_at', '>', sql<Date>`now()`)
        .where('sessions.last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleMs / 1000})`)
        .executeTakeFirst();
    },

    async touchSession(sessionId: number): Promise<void> {
      await db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('id', '=', sessionId).execute();
    },

    async revokeSession(sessionId: number): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ revoked_at: sql`now()` })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .execute();
      await db
        .updateTable('access_tokens')
        .set({ revoked_at: sql`now()` })
        .where('session_id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async revokeAllSessions(userId: number): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ revoked_at: sql`now()` })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
      await db
        .updateTable('access_tokens')
        .set({ revoked_at: sql`now()` })
        .where('user_id', '=', userId)
        .where('session_id', 'is not', null)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async createAccessToken(values: {
      userId: number;
      sessionId: number | null;
      name: string;
      tokenHash: string;
      hint: string;
    }) {
      return db
        .insertInto('access_tokens')
        .values({
          user_id: values.userId,
          session_id: values.sessionId,
          name: values.name,
          token_hash: values.tokenHash,
          token_hint: values.hint,
        })
        .returning(['id', 'name', 'token_hint', 'created_at'])
        .executeTakeFirstOrThrow();
    },

    /** A token that is not revoked; a session-bound one also needs its session alive. */
    async findLiveToken(tokenHash: string, idleMs: number) {
      return db
        .selectFrom('access_tokens')
        .innerJoin('users', 'users.id', 'access_tokens.user_id')
        .leftJoin('sessions', 'sessions.id', 'access_tokens.session_id')
        .select([
          'access_tokens.id as token_id',
          'access_tokens.session_id',
          'access_tokens.last_used_at',
          'users.id as user_id',
          'users.name',
          'users.display_name',
          'users.email',
          sql<boolean>`users.password_hash IS NOT NULL`.as('confirmed'),
        ])
        .where('access_tokens.token_hash', '=', tokenHash)
        .where('access_tokens.revoked_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb('access_tokens.session_id', 'is', null),
            eb.and([
              eb('sessions.revoked_at', 'is', null),
              eb('sessions.expires_at', '>', sql<Date>`now()`),
              eb('sessions.last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleMs / 1000})`),
            ]),
          ]),
        )
        .executeTakeFirst();
    },

    async touchToken(tokenId: number, sessionId: number | null): Promise<void> {
      await db.updateTable('access_tokens').set({ last_used_at: sql`now()` }).where('id', '=', tokenId).execute();
      if (sessionId !== null) await this.touchSession(sessionId);
    },

    async listPersonalTokens(userId: number) {
      return db
        .selectFrom('access_tokens')
        .select(['id', 'name', 'token_hint', 'created_at', 'last_used_at'])
        .where('user_id', '=', userId)
        .where('session_id', 'is', null)
        .where('revoked_at', 'is', null)
        .orderBy('id')
        .execute();
    },

    async revokePersonalToken(userId: number, tokenId: number): Promise<boolean> {
      const result = await db
        .updateTable('access_tokens')
        .set({ revoked_at: sql`now()` })
        .where('id', '=', tokenId)
        .where('user_id', '=', userId)
        .where('session_id', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async createPasswordToken(values: {
      userId: number;
      purpose: 'invitation' | 'reset';
      tokenHash: string;
      expiresAt: Date;
    }) {
      await db
        .insertInto('password_tokens')
        .values({
          user_id: values.userId,
          purpose: values.purpose,
          token_hash: values.tokenHash,
          expires_at: values.expiresAt,
        })
        .execute();
    },

    /** Marks a valid password token used and returns its user; single use, so a second call finds nothing. */
    async consumePasswordToken(tokenHash: string) {
      return db
        .updateTable('password_tokens')
        .set({ used_at: sql`now()` })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`)
        .returning(['user_id', 'purpose'])
        .executeTakeFirst();
    },
  };
}

export type CredentialsRepo = ReturnType<typeof createCredentialsRepo>;
