/**
 * What a WhatsApp (Graph API) error means, in words an attendant understands, and whether sending
 * again later can help. Codes from Meta's Cloud API error reference.
 */
const REASONS: Record<string, string> = {
  '0': 'Falha de autenticação com a Meta. Peça a um administrador para revisar a conexão do WhatsApp.',
  '190':
    'O token de acesso do WhatsApp expirou ou foi revogado. Um administrador precisa reconectar a caixa de entrada.',
  '100': 'A Meta recusou a mensagem por um parâmetro inválido.',
  '131008': 'Faltou um parâmetro obrigatório na mensagem.',
  '131009': 'Um dos valores da mensagem não é aceito pelo WhatsApp.',
  '131026': 'Não foi possível entregar: o número não tem WhatsApp ou não aceitou os termos mais recentes do app.',
  '131047': 'A janela de 24 horas está fechada: envie um modelo aprovado.',
  '131049': 'A Meta não entregou esta mensagem de marketing para proteger a experiência do cliente. Tente mais tarde.',
  '131050': 'O cliente pediu para não receber mensagens de marketing desta empresa.',
  '131051': 'Tipo de mensagem não suportado pelo WhatsApp.',
  '131052': 'Não foi possível baixar a mídia enviada pelo cliente.',
  '131053': 'Não foi possível enviar a mídia: formato ou tamanho não aceito.',
  '131056': 'Muitas mensagens seguidas para este número. O envio será repetido em instantes.',
  '130429': 'Limite de envio do número atingido. O envio será repetido em instantes.',
  '130472': 'O número do cliente faz parte de um experimento da Meta e não recebeu a mensagem.',
  '131000': 'Erro temporário na Meta. O envio será repetido.',
  '131042': 'Há um problema com a forma de pagamento da conta do WhatsApp Business.',
  '131045': 'O número do WhatsApp Business não está registrado corretamente.',
  '132000': 'O número de parâmetros não confere com o modelo aprovado.',
  '132001': 'O modelo não existe neste idioma ou ainda não foi aprovado.',
  '132005': 'O texto do modelo com os parâmetros ficou longo demais.',
  '132007': 'O conteúdo do modelo viola as políticas do WhatsApp.',
  '132012': 'Os parâmetros não estão no formato que o modelo espera.',
  '132015': 'O modelo está pausado pela Meta por baixa qualidade.',
  '132016': 'O modelo foi desativado pela Meta.',
  '133010': 'O número do WhatsApp Business não está registrado.',
  '368': 'A conta foi temporariamente bloqueada pela Meta por violar políticas.',
  network: 'Não foi possível falar com a Meta (rede ou tempo esgotado). O envio será repetido.',
};

export function explainWhatsAppError(code: string | null, fallback?: string | null): string {
  if (code && REASONS[code]) return REASONS[code];
  if (code?.startsWith('132')) return 'A Meta recusou o modelo de mensagem (verifique nome, idioma e parâmetros).';
  return fallback ? `A Meta recusou a mensagem: ${fallback}` : 'A Meta recusou a mensagem.';
}

/** Errors that will not go away by trying again: the message is marked failed at once. */
export function isPermanentWhatsAppError(code: string | null): boolean {
  if (!code) return false;
  return (
    [
      '100',
      '131008',
      '131009',
      '131026',
      '131047',
      '131050',
      '131051',
      '131053',
      '190',
      '0',
      '368',
      '133010',
      '131045',
      '131042',
    ].includes(code) || code.startsWith('132')
  );
}
