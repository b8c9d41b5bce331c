import { describe, expect, it } from 'vitest';
import { renderMessageVariables, type VariableContext } from './message-variables.js';

const context: VariableContext = {
  contact: { name: 'Maria da Silva Souza', email: null, phone_number: '+5511987654321' },
  agent: { name: 'Ana Paula', email: 'ana@example.com' },
  conversation: { display_id: 42 },
  inbox: { name: 'WhatsApp Eventos' },
  account: { name: 'Santana Eventos' },
};

describe('renderMessageVariables', () => {
  it('fills contact, agent, conversation, inbox and account variables', () => {
    expect(
      renderMessageVariables(
        'Olá {{contact.first_name}}! Sou {{ agent.first_name }}, da {{account.name}} ({{inbox.name}}). Protocolo {{conversation.id}}.',
        context,
      ),
    ).toBe('Olá Maria! Sou Ana, da Santana Eventos (WhatsApp Eventos). Protocolo 42.');
    expect(renderMessageVariables('{{contact.name}} / {{contact.last_name}} / {{contact.phone_number}}', context)).toBe(
      'Maria da Silva Souza / Souza / +5511987654321',
    );
  });

  it('renders a missing e-mail as empty and leaves unknown variables as typed', () => {
    expect(renderMessageVariables('[{{contact.email}}] {{contact.cpf}} {{evento.data}}', context)).toBe(
      '[] {{contact.cpf}} {{evento.data}}',
    );
  });

  it('leaves text without variables untouched', () => {
    expect(renderMessageVariables('Preço: R$ 1.234,56 {não é variável}', context)).toBe(
      'Preço: R$ 1.234,56 {não é variável}',
    );
  });
});
