/**
 * What an SMS gateway's error means, in words an attendant understands. Codes from Twilio's error
 * dictionary (21xxx on sending, 30xxx on delivery) and Zenvia's API (error codes and statuses).
 */
const REASONS: Record<string, string> = {
  // Twilio, when sending.
  '20003': 'As credenciais do Twilio foram recusadas. Um administrador precisa revisar as configurações de SMS.',
  '20404': 'A conta do Twilio configurada não foi encontrada. Revise o Account SID nas configurações de SMS.',
  '21211': 'O número de telefone do contato não é válido para SMS.',
  '21408': 'A conta do Twilio não tem permissão para enviar SMS para esta região.',
  '21606': 'O remetente configurado não pode enviar SMS por este número do Twilio.',
  '21610': 'O contato bloqueou SMS deste remetente (respondeu STOP) e foi marcado como descadastrado.',
  '21612': 'O Twilio não consegue entregar SMS deste remetente para este número.',
  '21614': 'O número do contato não é de celular e não recebe SMS.',
  '21617': 'O texto do SMS ficou longo demais.',
  '21659': 'O remetente configurado não é um número do Twilio.',
  // Twilio, reported later in a status callback.
  '30003': 'O celular do contato está desligado ou fora de área.',
  '30004': 'O contato bloqueou o recebimento desta mensagem.',
  '30005': 'O número do contato é desconhecido ou não existe mais.',
  '30006': 'O número do contato é fixo ou não recebe SMS.',
  '30007': 'A operadora filtrou o SMS como spam.',
  '30008': 'A operadora não entregou o SMS (erro desconhecido).',
  undelivered: 'A operadora não conseguiu entregar o SMS.',
  // Zenvia.
  AUTHENTICATION_ERROR: 'O token da Zenvia foi recusado. Um administrador precisa revisar as configurações de SMS.',
  VALIDATION_ERROR: 'A Zenvia recusou o SMS por dados inválidos (número, remetente ou texto).',
  NOT_FOUND: 'A Zenvia não encontrou o remetente configurado.',
  REJECTED: 'O SMS foi rejeitado pela operadora.',
  NOT_DELIVERED: 'A operadora não conseguiu entregar o SMS.',
  // Santana's own.
  network: 'Não foi possível falar com o provedor de SMS (rede ou tempo esgotado).',
  no_phone: 'O contato não tem um número de celular válido.',
  no_text: 'A notificação não tem texto de SMS.',
  not_configured: 'A conta não tem um provedor de SMS configurado.',
};

export function explainSmsError(code: string | null | undefined, fallback?: string | null): string {
  if (code && REASONS[code]) return REASONS[code];
  if (code?.startsWith('http_5')) return 'O provedor de SMS ficou indisponível.';
  return fallback ? `O provedor de SMS recusou a mensagem: ${fallback}` : 'O provedor de SMS recusou a mensagem.';
}
