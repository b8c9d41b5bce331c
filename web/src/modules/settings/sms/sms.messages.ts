import { defineMessages } from '../../../shared/i18n';

export const smsMessages = defineMessages({
  'pt-BR': {
    intro:
      'Quando o WhatsApp não alcança o contato (número sem WhatsApp, falha permanente), a notificação sai por SMS por este provedor.',
    provider: 'Provedor',
    none: 'Nenhum (sem SMS)',
    'provider.twilio': 'Twilio',
    'provider.zenvia': 'Zenvia',
    'provider.simulator': 'Simulador (desenvolvimento e testes)',
    sender: 'Remetente',
    'senderHint.twilio':
      'Número em E.164 (+5511…), remetente alfanumérico de até 11 caracteres ou um MG… (Messaging Service).',
    'senderHint.zenvia': 'O remetente cadastrado na Zenvia.',
    'senderHint.simulator': 'Opcional: o nome que aparece no telefone simulado.',
    accountSid: 'Account SID',
    authToken: 'Auth token',
    apiToken: 'Token da API',
    keepSecret: 'Deixe em branco para manter o que está salvo.',
    configured: 'Credenciais salvas e legíveis.',
    notConfigured: 'Sem credenciais válidas: o SMS não sai até salvá-las.',
    callback: 'URL de status (cadastre no provedor)',
    chooseProvider: 'Escolha um provedor para salvar.',
    saved: 'Provedor de SMS salvo.',
  },
  en: {
    intro:
      'When WhatsApp cannot reach the contact (no WhatsApp, a permanent failure), the notification goes out by SMS through this provider.',
    provider: 'Provider',
    none: 'None (no SMS)',
    'provider.twilio': 'Twilio',
    'provider.zenvia': 'Zenvia',
    'provider.simulator': 'Simulator (development and tests)',
    sender: 'Sender',
    'senderHint.twilio':
      'An E.164 number (+5511…), an alphanumeric sender up to 11 characters or an MG… (Messaging Service).',
    'senderHint.zenvia': 'The sender registered at Zenvia.',
    'senderHint.simulator': 'Optional: the name shown on the simulated phone.',
    accountSid: 'Account SID',
    authToken: 'Auth token',
    apiToken: 'API token',
    keepSecret: 'Leave blank to keep what is saved.',
    configured: 'Credentials saved and readable.',
    notConfigured: 'No valid credentials: SMS will not go out until they are saved.',
    callback: 'Status URL (register it at the provider)',
    chooseProvider: 'Choose a provider to save.',
    saved: 'SMS provider saved.',
  },
});
