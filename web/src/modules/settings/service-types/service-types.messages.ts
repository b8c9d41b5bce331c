import { defineMessages } from '../../../shared/i18n';

export const serviceTypesMessages = defineMessages({
  'pt-BR': {
    intro:
      'Os serviços que os prestadores oferecem e que a equipe de um evento pede (ex.: “Garçom”, “DJ”, “Montagem”).',
    new: 'Novo tipo de serviço',
    newTitle: 'Novo tipo de serviço',
    editTitle: 'Renomear “{name}”',
    name: 'Nome',
    nameHint: 'Único na conta, sem diferenciar maiúsculas.',
    empty: 'Nenhum tipo de serviço ainda.',
    list: 'Tipos de serviço',
    renameOf: 'Renomear {name}',
    rename: 'Renomear',
    deleteOf: 'Excluir {name}',
    deleteDetail:
      'Os prestadores deixam de oferecê-lo. Se algum evento ou escala usa este serviço, ele não pode ser excluído.',
  },
  en: {
    intro: 'The services providers offer and an event’s staffing asks for (e.g. “Waiter”, “DJ”, “Set-up”).',
    new: 'New service type',
    newTitle: 'New service type',
    editTitle: 'Rename “{name}”',
    name: 'Name',
    nameHint: 'Unique in the account, case-insensitive.',
    empty: 'No service types yet.',
    list: 'Service types',
    renameOf: 'Rename {name}',
    rename: 'Rename',
    deleteOf: 'Delete {name}',
    deleteDetail: 'Providers stop offering it. A service used by an event or an assignment cannot be deleted.',
  },
});
