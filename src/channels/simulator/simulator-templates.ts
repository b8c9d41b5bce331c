/**
 * The approved templates the simulator's WABA offers, in the shape of Meta's
 * GET /{waba-id}/message_templates: what a real account of this kind of business would have.
 */
export const SIMULATOR_TEMPLATES = [
  {
    id: '900000000000001',
    name: 'boas_vindas',
    language: 'pt_BR',
    status: 'APPROVED',
    parameter_format: 'POSITIONAL',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: 'Olá {{1}}! Obrigado por falar com a gente. Como podemos ajudar?',
        example: { body_text: [['Maria']] },
      },
    ],
  },
  {
    id: '900000000000002',
    name: 'lembrete_evento',
    language: 'pt_BR',
    status: 'APPROVED',
    parameter_format: 'POSITIONAL',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: 'Olá {{1}}, lembrete: o evento {{2}} é em {{3}}. Qualquer dúvida, responda esta mensagem.',
        example: { body_text: [['Maria', 'Aniversário da Ana', '12/12/2026 às 19:00']] },
      },
    ],
  },
  {
    id: '900000000000003',
    name: 'confirmacao_agendamento',
    language: 'pt_BR',
    status: 'APPROVED',
    parameter_format: 'POSITIONAL',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Confirmação de agendamento' },
      {
        type: 'BODY',
        text: 'Olá {{1}}, seu agendamento para {{2}} está reservado. Você confirma?',
        example: { body_text: [['Maria', '12/12 às 19:00']] },
      },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Confirmar' },
          { type: 'QUICK_REPLY', text: 'Remarcar' },
        ],
      },
    ],
  },
  {
    id: '900000000000004',
    name: 'oferta_trabalho',
    language: 'pt_BR',
    status: 'APPROVED',
    parameter_format: 'POSITIONAL',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: 'Oi {{1}}! Temos um trabalho de {{2}} em {{3}}, {{4}}. Pagamento: {{5}}. Você aceita?',
        example: { body_text: [['João', 'Garçom', 'São Paulo', '12/12 às 19:00', 'R$ 250,00']] },
      },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Aceitar' },
          { type: 'QUICK_REPLY', text: 'Recusar' },
        ],
      },
    ],
  },
  {
    id: '900000000000005',
    name: 'promocao_mes',
    language: 'pt_BR',
    status: 'APPROVED',
    parameter_format: 'POSITIONAL',
    category: 'MARKETING',
    components: [
      {
        type: 'BODY',
        text: 'Olá {{1}}! Neste mês, {{2}}. Responda SAIR para não receber promoções.',
        example: { body_text: [['Maria', '10% de desconto em buffets']] },
      },
    ],
  },
] as const;

export type SimulatorTemplate = (typeof SIMULATOR_TEMPLATES)[number];

/** How many {{n}} parameters a template's body (and header) take. */
export function parameterCount(text: string): number {
  return new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1])).size;
}
