import type { Inbox } from '../../db/schema.js';
import { openCredentials } from '../../inbox/inbox-credentials.js';
import type { SecretBox } from '../../shared/crypto.js';
import type { GraphTarget } from './graph-client.js';

/** Resolves the Graph API base, version and token an inbox uses (the simulator's fake or Meta's). */
export function createWhatsAppTargets(deps: { box: SecretBox; graphUrl: string; graphVersion: string }) {
  return {
    targetFor(inbox: Inbox): (GraphTarget & { phoneNumberId: string; businessAccountId: string | null }) | null {
      const credentials = openCredentials(deps.box, inbox);
      if (!credentials || !inbox.phone_number_id) return null;
      return {
        graphUrl: (credentials.graph_url ?? deps.graphUrl).replace(/\/+$/, ''),
        version: deps.graphVersion,
        accessToken: credentials.access_token,
        phoneNumberId: inbox.phone_number_id,
        businessAccountId: inbox.business_account_id,
      };
    },
  };
}

export type WhatsAppTargets = ReturnType<typeof createWhatsAppTargets>;
