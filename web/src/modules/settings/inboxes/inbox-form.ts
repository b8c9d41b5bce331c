import type { Inbox, InboxPayload } from '../settings.api';

/** The WhatsApp Cloud connection form. Secrets start blank: the API never sends them back. */
export interface InboxFormValues {
  name: string;
  phoneNumber: string;
  phoneNumberId: string;
  businessAccountId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  autoAssignment: boolean;
}

export type InboxField = keyof InboxFormValues;

export const SECRET_FIELDS = ['accessToken', 'appSecret', 'verifyToken'] as const satisfies InboxField[];

export const EMPTY_INBOX_FORM: InboxFormValues = {
  name: '',
  phoneNumber: '',
  phoneNumberId: '',
  businessAccountId: '',
  accessToken: '',
  appSecret: '',
  verifyToken: '',
  autoAssignment: true,
};

/** The API's field names (last segment of `details[].field`) → the form's. */
export const INBOX_FIELD_PATHS: Record<string, InboxField> = {
  name: 'name',
  phone_number: 'phoneNumber',
  phone_number_id: 'phoneNumberId',
  business_account_id: 'businessAccountId',
  api_key: 'accessToken',
  app_secret: 'appSecret',
  webhook_verify_token: 'verifyToken',
  enable_auto_assignment: 'autoAssignment',
};

export const isWhatsApp = (inbox: Inbox) => inbox.channel_type === 'Channel::Whatsapp';

export function inboxFormFrom(inbox: Inbox): InboxFormValues {
  return {
    ...EMPTY_INBOX_FORM,
    name: inbox.name,
    phoneNumber: inbox.phone_number ?? '',
    phoneNumberId: inbox.provider_config?.phone_number_id ?? '',
    businessAccountId: inbox.provider_config?.business_account_id ?? '',
    autoAssignment: inbox.enable_auto_assignment,
  };
}

/** POST /inboxes: a WhatsApp Cloud channel; a blank verify token lets the server generate one. */
export function inboxCreatePayload(values: InboxFormValues): InboxPayload {
  const verifyToken = values.verifyToken.trim();
  return {
    name: values.name.trim(),
    enable_auto_assignment: values.autoAssignment,
    channel: {
      type: 'whatsapp',
      provider: 'whatsapp_cloud',
      phone_number: values.phoneNumber.trim(),
      provider_config: {
        api_key: values.accessToken.trim(),
        phone_number_id: values.phoneNumberId.trim(),
        business_account_id: values.businessAccountId.trim(),
        app_secret: values.appSecret.trim(),
        ...(verifyToken ? { webhook_verify_token: verifyToken } : {}),
      },
    },
  };
}

/** PATCH /inboxes/:id: only what changed; a secret left blank keeps the stored one. */
export function inboxUpdatePayload(values: InboxFormValues, inbox: Inbox): InboxPayload {
  const before = inboxFormFrom(inbox);
  const payload: InboxPayload = {};
  if (values.name.trim() !== before.name) payload.name = values.name.trim();
  if (values.autoAssignment !== before.autoAssignment) payload.enable_auto_assignment = values.autoAssignment;
  if (!isWhatsApp(inbox)) return payload;

  const config: Record<string, string> = {};
  const changed = (field: 'phoneNumberId' | 'businessAccountId') =>
    values[field].trim() !== before[field] ? values[field].trim() : undefined;
  const phoneNumberId = changed('phoneNumberId');
  const businessAccountId = changed('businessAccountId');
  if (phoneNumberId !== undefined) config.phone_number_id = phoneNumberId;
  if (businessAccountId !== undefined) config.business_account_id = businessAccountId;
  const secrets: Array<[(typeof SECRET_FIELDS)[number], string]> = [
    ['accessToken', 'api_key'],
    ['appSecret', 'app_secret'],
    ['verifyToken', 'webhook_verify_token'],
  ];
  for (const [field, apiName] of secrets) {
    const value = values[field].trim();
    if (value) config[apiName] = value;
  }
  const channel: Record<string, unknown> = {};
  if (values.phoneNumber.trim() !== before.phoneNumber) channel.phone_number = values.phoneNumber.trim();
  if (Object.keys(config).length > 0) channel.provider_config = config;
  if (Object.keys(channel).length > 0) payload.channel = channel;
  return payload;
}
