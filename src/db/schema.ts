import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps default in SQL; rows read them as Date. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string, string>;

export type Role = 'administrator' | 'agent';
export type Availability = 'available' | 'busy' | 'offline';
export type JobStatus = 'scheduled' | 'queued' | 'running' | 'done' | 'dead';

export interface AccountsTable {
  id: Generated<number>;
  name: string;
  locale: Generated<string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  display_name: string | null;
  email: string;
  password_hash: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AccountUsersTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  role: Role;
  availability: Generated<Availability>;
  auto_offline: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
  last_seen_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface AccessTokensTable {
  id: Generated<number>;
  user_id: number;
  session_id: number | null;
  name: string;
  token_hash: string;
  token_hint: string;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface PasswordTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: 'invitation' | 'reset';
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  account_id: number | null;
  actor_user_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface JobsTable {
  id: Generated<number>;
  account_id: number | null;
  queue: Generated<string>;
  name: string;
  payload: Json;
  idempotency_key: string | null;
  status: JobStatus;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_at: CreatedAt;
  locked_until: NullableTimestamp;
  locked_by: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  finished_at: NullableTimestamp;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  account_users: AccountUsersTable;
  sessions: SessionsTable;
  access_tokens: AccessTokensTable;
  password_tokens: PasswordTokensTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
}

export type Account = Selectable<AccountsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type AccountUser = Selectable<AccountUsersTable>;
export type Session = Selectable<SessionsTable>;
export type AccessToken = Selectable<AccessTokensTable>;
export type Job = Selectable<JobsTable>;
