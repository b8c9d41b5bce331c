import { randomBytes } from 'node:crypto';
import { hashPassword, PASSWORD_MIN_LENGTH } from '../accounts/password.js';
import type { Config } from '../config/config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../shared/logger.js';
import { withCliServices } from './cli-context.js';
import { CliUsageError, parseFlags, say } from './flags.js';

function requireFlag(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new CliUsageError(`Missing --${flag}.`);
  return value.trim();
}

function checkPassword(password: string) {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new CliUsageError(`The password needs at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
}

export async function runDbMigrate(_args: string[], config: Config): Promise<number> {
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database, logger);
  try {
    const ran = await migrate(database, logger);
    say(ran.length === 0 ? 'Database is up to date.' : `Applied ${ran.length} migration(s): ${ran.join(', ')}`);
    return 0;
  } finally {
    await database.close();
  }
}

export async function runUserCreate(args: string[], config: Config): Promise<number> {
  const { values } = parseFlags(args, {
    email: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    role: { type: 'string', default: 'agent' },
    account: { type: 'string', default: '1' },
  });
  const email = requireFlag(values.email, 'email');
  const name = requireFlag(values.name, 'name');
  const role = values.role === 'administrator' ? 'administrator' : values.role === 'agent' ? 'agent' : null;
  if (!role) throw new CliUsageError('--role must be administrator or agent.');
  const accountId = Number(values.account);
  if (values.password !== undefined) checkPassword(String(values.password));

  return withCliServices(config, async ({ users, auth, audit }) => {
    if (!(await users.findAccount(accountId))) {
      process.stderr.write(`Account ${accountId} does not exist.\n`);
      return 1;
    }
    let user = await users.findUserByEmail(email);
    if (user && (await users.membership(accountId, user.id))) {
      process.stderr.write(`${email} is already a member of account ${accountId}.\n`);
      return 1;
    }
    const passwordHash = values.password ? await hashPassword(String(values.password)) : null;
    user ??= await users.createUser({ name, email, passwordHash });
    await users.addMembership({ accountId, userId: user.id, role });
    await audit.record({
      action: 'agent.created',
      accountId,
      targetType: 'user',
      targetId: user.id,
      details: { role, via: 'cli' },
    });
    say(`Created ${role} ${email} (user ${user.id}) in account ${accountId}.`);
    if (!passwordHash)
      say(`They choose their password here (valid 7 days): ${await auth.createPasswordLink(user.id, 'invitation')}`);
    return 0;
  });
}

export async function runUserResetPassword(args: string[], config: Config): Promise<number> {
  const { values } = parseFlags(args, { email: { type: 'string' }, password: { type: 'string' } });
  const email = requireFlag(values.email, 'email');
  const password = values.password ? String(values.password) : randomBytes(12).toString('base64url');
  checkPassword(password);
  return withCliServices(config, async ({ users, auth, audit }) => {
    const user = await users.findUserByEmail(email);
    if (!user) {
      process.stderr.write(`No user with e-mail ${email}.\n`);
      return 1;
    }
    await auth.setPassword(user.id, password);
    await audit.record({
      action: 'auth.password_reset',
      actorUserId: null,
      targetType: 'user',
      targetId: user.id,
      details: { via: 'cli' },
    });
    say(
      values.password
        ? `Password of ${email} changed; their open sessions were ended.`
        : `New password for ${email}: ${password}`,
    );
    return 0;
  });
}

export async function runTokenCreate(args: string[], config: Config): Promise<number> {
  const { values } = parseFlags(args, { email: { type: 'string' }, name: { type: 'string', default: 'CLI' } });
  const email = requireFlag(values.email, 'email');
  return withCliServices(config, async ({ users, auth }) => {
    const user = await users.findUserByEmail(email);
    if (!user) {
      process.stderr.write(`No user with e-mail ${email}.\n`);
      return 1;
    }
    const memberships = await users.memberships(user.id);
    const created = await auth.createPersonalToken({
      userId: user.id,
      name: String(values.name),
      ip: null,
      accountId: memberships[0]?.account_id ?? null,
    });
    say(created.token);
    process.stderr.write(`API token "${created.name}" for ${email}. It is shown only now: keep it somewhere safe.\n`);
    return 0;
  });
}
