import { defineMessages } from '../../../shared/i18n';

/** The provider form's texts (the rest of the CRM's are in crm.messages.ts). */
export const providerFormMessages = defineMessages({
  'pt-BR': {
    new: 'Novo prestador',
    edit: 'Editar',
    editTitle: 'Editar {name}',
    name: 'Nome',
    phone: 'Telefone (WhatsApp)',
    email: 'E-mail',
    services: 'Serviços',
    servicesLoading: 'Carregando os tipos de serviço…',
    servicesFailed: 'Não foi possível carregar os tipos de serviço.',
    noServiceTypes: 'Nenhum tipo de serviço cadastrado: um administrador os cria em Configurações › Tipos de serviço.',
    regions: 'Regiões atendidas',
    regionsHint: 'Separadas por vírgula, ex.: São Paulo, ABC, Guarulhos.',
    active: 'Ativo (pode ser escalado)',
    notes: 'Observações',
    isProvider: 'Prestador',
  },
  en: {
    new: 'New provider',
    edit: 'Edit',
    editTitle: 'Edit {name}',
    name: 'Name',
    phone: 'Phone (WhatsApp)',
    email: 'E-mail',
    services: 'Services',
    servicesLoading: 'Loading the service types…',
    servicesFailed: 'Could not load the service types.',
    noServiceTypes: 'No service types yet: an administrator creates them in Settings › Service types.',
    regions: 'Regions served',
    regionsHint: 'Comma-separated, e.g. São Paulo, ABC, Guarulhos.',
    active: 'Active (can be staffed)',
    notes: 'Notes',
    isProvider: 'Provider',
  },
});
