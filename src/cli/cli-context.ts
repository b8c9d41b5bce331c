import { createAuditRepo } from '../accounts/audit.repo.js';
import { createAuthService } from '../accounts/auth.service.js';
import { ensureFirstAdministrator } from '../accounts/bootstrap.js';
import { createCredentialsRepo } from '../accounts/credentials.repo.js';
import { createSignInThrottle } from '../accounts/sign-in-throttle.js';
import { createUsersRepo } from '../accounts/users.repo.js';
import type { Config } from '../config/config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../shared/logger.js';

/** Opens the database (migrated) with the account services, for one CLI command, then closes it. */
export async function withCliServices<T>(
  config: Config,
  fn: (context: {
    database: Awaited<ReturnType<typeof openDatabase>>;
    users: ReturnType<typeof createUsersRepo>;
    auth: ReturnType<typeof createAuthService>;
    audit: ReturnType<typeof createAuditRepo>;
    logger: ReturnType<typeof createLogger>;
  }) => Promise<T>,
): Promise<T> {
  // Commands talk to people on stdout; the log only speaks up for problems.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await openDatabase(config.database, logger);
  try {
    await migrate(database, logger, async () => {
      await ensureFirstAdministrator(database.db, logger, { ...config.admin, frontendUrl: config.http.frontendUrl });
    });
    const users = createUsersRepo(database.db);
    const audit = createAuditRepo(database.db);
    const auth = createAuthService({
      users,
      credentials: createCredentialsRepo(database.db),
      audit,
      throttle: createSignInThrottle(null),
      secretKeyBase: config.secretKeyBase,
      frontendUrl: config.http.frontendUrl,
    });
    return await fn({ database, users, auth, audit, logger });
  } finally {
    await database.close();
  }
}
