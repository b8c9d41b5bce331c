import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api-client';
import type { Inbox } from '../settings.api';
import { fieldErrors, formProblems } from '../ui/errors';
import {
  EMPTY_INBOX_FORM,
  INBOX_FIELD_PATHS,
  inboxCreatePayload,
  inboxFormFrom,
  inboxUpdatePayload,
} from './inbox-form';

const filled = {
  name: ' Atendimento ',
  phoneNumber: '+55 11 98765-4321',
  phoneNumberId: ' 1234567890 ',
  businessAccountId: '998877',
  accessToken: ' EAAG-token ',
  appSecret: 'segredo-do-app',
  verifyToken: '',
  autoAssignment: false,
};

const inbox: Inbox = {
  id: 7,
  name: 'Atendimento',
  channel_type: 'Channel::Whatsapp',
  provider: 'whatsapp_cloud',
  phone_number: '+5511987654321',
  enable_auto_assignment: true,
  provider_config: { phone_number_id: '1234567890', business_account_id: '998877', webhook_verify_token: 'vt' },
  webhook_url: 'http://localhost:8080/webhooks/whatsapp/5511987654321',
  reauthorization_required: false,
  reauthorization_required_at: null,
  reauthorization_reason: null,
  templates_synced_at: null,
  templates_sync_error: null,
  created_at: 1_700_000_000,
};

describe('the WhatsApp inbox form → API payload', () => {
  it('creates a whatsapp_cloud channel with trimmed values and lets the server generate a blank verify token', () => {
    expect(inboxCreatePayload(filled)).toEqual({
      name: 'Atendimento',
      enable_auto_assignment: false,
      channel: {
        type: 'whatsapp',
        provider: 'whatsapp_cloud',
        phone_number: '+55 11 98765-4321',
        provider_config: {
          api_key: 'EAAG-token',
          phone_number_id: '1234567890',
          business_account_id: '998877',
          app_secret: 'segredo-do-app',
        },
      },
    });
    const withToken = inboxCreatePayload({ ...filled, verifyToken: ' meu-token ' });
    expect(withToken.channel).toMatchObject({ provider_config: { webhook_verify_token: 'meu-token' } });
  });

  it('starts an edit with the secrets blank, since the API never sends them back', () => {
    const values = inboxFormFrom(inbox);
    expect(values).toMatchObject({ name: 'Atendimento', phoneNumberId: '1234567890', autoAssignment: true });
    expect([values.accessToken, values.appSecret, values.verifyToken]).toEqual(['', '', '']);
  });

  it('sends nothing when nothing changed, so blank secrets keep the stored ones', () => {
    expect(inboxUpdatePayload(inboxFormFrom(inbox), inbox)).toEqual({});
  });

  it('sends only the changed fields and the secrets that were typed', () => {
    const values = { ...inboxFormFrom(inbox), name: 'Vendas', autoAssignment: false, accessToken: 'novo-token' };
    expect(inboxUpdatePayload(values, inbox)).toEqual({
      name: 'Vendas',
      enable_auto_assignment: false,
      channel: { provider_config: { api_key: 'novo-token' } },
    });
  });

  it('never sends channel settings for an API inbox', () => {
    const api = { ...inbox, channel_type: 'Channel::Api', provider_config: null, phone_number: null };
    expect(inboxUpdatePayload({ ...EMPTY_INBOX_FORM, name: 'Integração', accessToken: 'x' }, api)).toEqual({
      name: 'Integração',
    });
  });

  it('puts the API’s field messages next to the matching form fields', () => {
    const error = new ApiError(400, 'validation_failed', 'Dados inválidos.', [
      { field: 'channel.provider_config.api_key', message: 'não pode ser vazio' },
      { field: 'channel.phone_number', message: 'telefone em formato E.164, ex.: +5511987654321' },
      { field: 'something.else', message: 'ignorado' },
    ]);
    expect(fieldErrors(error, INBOX_FIELD_PATHS)).toEqual({
      accessToken: 'não pode ser vazio',
      phoneNumber: 'telefone em formato E.164, ex.: +5511987654321',
    });
    expect(fieldErrors(new Error('boom'), INBOX_FIELD_PATHS)).toEqual({});
  });

  it('points at the highlighted fields instead of the raw field paths, but keeps any other sentence from the API', () => {
    const texts = { generic: 'Algo deu errado.', fixFields: 'Confira os campos destacados.' };
    const invalid = new ApiError(400, 'validation_failed', 'Dados inválidos: name, channel.phone_number.', [
      { field: 'name', message: 'informe o nome' },
      { field: 'channel.phone_number', message: 'telefone em formato E.164' },
    ]);
    expect(formProblems(invalid, INBOX_FIELD_PATHS, texts)).toEqual({
      errors: { name: 'informe o nome', phoneNumber: 'telefone em formato E.164' },
      alert: 'Confira os campos destacados.',
    });
    const taken = new ApiError(422, 'unprocessable', 'Este número já está em outra caixa de entrada.', [
      { field: 'channel.provider_config.phone_number_id', message: 'já em uso' },
    ]);
    expect(formProblems(taken, INBOX_FIELD_PATHS, texts).alert).toBe('Este número já está em outra caixa de entrada.');
    expect(formProblems(new Error('x'), INBOX_FIELD_PATHS, texts).alert).toBe('Algo deu errado.');
  });
});
