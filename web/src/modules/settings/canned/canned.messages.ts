import { defineMessages } from '../../../shared/i18n';

export const cannedMessages = defineMessages({
  'pt-BR': {
    intro: 'Textos que o time insere digitando “/” e o atalho na caixa de mensagem.',
    new: 'Nova resposta pronta',
    newTitle: 'Nova resposta pronta',
    editTitle: 'Editar “/{name}”',
    shortCode: 'Atalho',
    shortCodeHint: 'Sem espaços, ex.: boas-vindas. No atendimento, digite “/boas-vindas”.',
    content: 'Texto',
    contentHint:
      'Variáveis preenchidas no envio: {{contact.name}}, {{contact.first_name}}, {{agent.name}}, {{conversation.id}}, {{inbox.name}}, {{account.name}}.',
    empty: 'Nenhuma resposta pronta ainda.',
    list: 'Respostas prontas',
    editOf: 'Editar /{name}',
    deleteOf: 'Excluir /{name}',
  },
  en: {
    intro: 'Texts the team inserts by typing “/” and the short code in the message box.',
    new: 'New canned response',
    newTitle: 'New canned response',
    editTitle: 'Edit “/{name}”',
    shortCode: 'Short code',
    shortCodeHint: 'No spaces, e.g. welcome. While answering, type “/welcome”.',
    content: 'Text',
    contentHint:
      'Variables filled in when sending: {{contact.name}}, {{contact.first_name}}, {{agent.name}}, {{conversation.id}}, {{inbox.name}}, {{account.name}}.',
    empty: 'No canned responses yet.',
    list: 'Canned responses',
    editOf: 'Edit /{name}',
    deleteOf: 'Delete /{name}',
  },
});
