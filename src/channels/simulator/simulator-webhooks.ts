import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { hubSignature } from '../whatsapp/webhook-signature.js';

export interface SimulatorInboxRef {
  phoneNumberId: string;
  displayPhoneNumber: string;
  businessAccountId: string;
  appSecret: string;
}

export const newWamid = () => `wamid.SIM${randomBytes(18).toString('base64url')}`;

function envelope(inbox: SimulatorInboxRef, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: inbox.businessAccountId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: inbox.displayPhoneNumber, phone_number_id: inbox.phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** A phone's message as Meta delivers it: contacts[] with the profile, messages[] with the item. */
export function messageWebhook(
  inbox: SimulatorInboxRef,
  phone: { waId: string; name: string },
  item: Record<string, unknown>,
) {
  return envelope(inbox, {
    contacts: [{ profile: { name: phone.name }, wa_id: phone.waId }],
    messages: [{ from: phone.waId, timestamp: String(Math.floor(Date.now() / 1000)), ...item }],
  });
}

export function statusWebhook(
  inbox: SimulatorInboxRef,
  waId: string,
  wamid: string,
  status: string,
  errors?: unknown[],
) {
  return envelope(inbox, {
    statuses: [
      {
        id: wamid,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: waId,
        ...(errors ? { errors } : {}),
        ...(status === 'failed' ? {} : { pricing: { billable: true, pricing_model: 'PMP', category: 'service' } }),
      },
    ],
  });
}

/**
 * Delivers a payload through the real webhook route, signed with the inbox's app secret, exactly as
 * Meta would: the simulator exercises the same path production traffic takes.
 */
export async function deliverWebhook(
  app: FastifyInstance,
  inbox: SimulatorInboxRef,
  payload: unknown,
): Promise<number> {
  // Meta escapes non-ASCII as \\uXXXX; do the same so the simulator signs what Meta would send.
  const raw = JSON.stringify(payload).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const response = await app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    payload: raw,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(raw, inbox.appSecret) },
  });
  return response.statusCode;
}
