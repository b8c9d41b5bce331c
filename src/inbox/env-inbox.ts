import type { WhatsAppEnvInbox } from '../config/config.js';
import type { SecretBox } from '../shared/crypto.js';
import type { Logger } from '../shared/logger.js';
import { sealCredentials } from './inbox-credentials.js';
import type { InboxesRepo } from './inboxes.repo.js';

/** WHATSAPP_* variables describe an inbox of account 1, created at start or updated to match them. */
export async function ensureWhatsAppInboxFromEnv(
  deps: { inboxes: InboxesRepo; box: SecretBox; logger: Logger },
  env: WhatsAppEnvInbox,
): Promise<void> {
  const credentials = sealCredentials(deps.box, {
    access_token: env.accessToken,
    app_secret: env.appSecret,
    verify_token: env.verifyToken,
  });
  const phoneNumber = env.displayPhoneNumber?.replace(/\D/g, '') || null;
  const existing = await deps.inboxes.findByPhoneNumberId(env.phoneNumberId);
  if (existing) {
    await deps.inboxes.update(existing.account_id, existing.id, {
      credentials,
      ...(phoneNumber ? { phone_number: phoneNumber } : {}),
      ...(env.businessAccountId ? { business_account_id: env.businessAccountId } : {}),
    });
    return;
  }
  await deps.inboxes.create({
    accountId: 1,
    name: 'WhatsApp',
    channelType: 'whatsapp_cloud',
    phoneNumber,
    phoneNumberId: env.phoneNumberId,
    businessAccountId: env.businessAccountId ?? null,
    credentials,
  });
  deps.logger.info({ phoneNumberId: env.phoneNumberId }, 'WhatsApp inbox created from WHATSAPP_* variables');
}
