import { randomBytes } from 'node:crypto';
import { seedDefaultStages } from '../crm/pipeline/default-stages.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import { hashPassword } from './password.js';
import { createUsersRepo } from './users.repo.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@santana.local';

/**
 * First start on an empty database: account 1 and its administrator, from ADMIN_EMAIL/ADMIN_PASSWORD
 * or with a generated password printed once. Runs under the migration lock, so only one process seeds.
 */
export async function ensureFirstAdministrator(
  db: Db,
  logger: Logger,
  options: { email: string | undefined; password: string | undefined; frontendUrl: string },
): Promise<{ created: boolean }> {
  const users = createUsersRepo(db);
  if ((await users.countAccounts()) > 0) return { created: false };
  const email = options.email ?? DEFAULT_ADMIN_EMAIL;
  const password = options.password ?? randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const account = await users.createAccount('Minha empresa', trx);
    const user = await users.createUser({ name: 'Administrador', email, passwordHash }, trx);
    await users.addMembership(
      { accountId: account.id, userId: user.id, role: 'administrator', availability: 'available' },
      trx,
    );
    await seedDefaultStages(trx, account.id);
  });
  if (options.password) {
    logger.info(
      { email, url: options.frontendUrl },
      `First start: administrator ${email} created; sign in at ${options.frontendUrl}`,
    );
  } else {
    // Printed once, on purpose: the operator has no other way to learn the generated password.
    process.stdout.write(
      `\n  Santana is ready. Sign in at ${options.frontendUrl}\n  E-mail: ${email}\n  Senha:  ${password}\n  (shown only this once; change it with: npx santana user:reset-password --email ${email})\n\n`,
    );
  }
  return { created: true };
}
