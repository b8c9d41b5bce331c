/**
 * Interface text in Portuguese (the default). Keys are grouped by screen; add a key here and in en.ts
 * (the compiler checks en.ts has every key).
 */
export const ptBR = {
  'app.loading': 'Carregando…',
  'nav.main': 'Navegação principal',
  'nav.conversations': 'Conversas',
  'nav.settings': 'Configurações',
  'nav.clients': 'Clientes',
  'nav.providers': 'Prestadores',
  'nav.events': 'Eventos',
  'nav.pipeline': 'Funil',
  'nav.tasks': 'Tarefas',
  'nav.notifications': 'Notificações',
  'nav.simulator': 'Simulador de WhatsApp',
  'user.signOut': 'Sair',
  'user.language': 'Idioma',
  'role.administrator': 'Administrador',
  'role.agent': 'Agente',
  'realtime.reconnecting': 'Conexão em tempo real perdida. Reconectando…',
  'realtime.reconnected': 'Conectado de novo.',
  'error.generic': 'Algo deu errado. Tente de novo.',
  'error.forbidden': 'Somente administradores podem ver esta página.',
  'error.notFound': 'Página não encontrada.',
  'common.retry': 'Tentar de novo',
  'common.save': 'Salvar',
  'common.cancel': 'Cancelar',
  'common.delete': 'Excluir',
  'common.close': 'Fechar',
  'common.loading': 'Carregando…',
} as const;
