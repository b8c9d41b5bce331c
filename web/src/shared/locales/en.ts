import type { ptBR } from './pt-BR';

/** English interface text: every key of pt-BR.ts must be here. */
export const en: Record<keyof typeof ptBR, string> = {
  'app.loading': 'Loading…',
  'nav.main': 'Main navigation',
  'nav.conversations': 'Conversations',
  'nav.settings': 'Settings',
  'nav.simulator': 'WhatsApp simulator',
  'user.signOut': 'Sign out',
  'user.language': 'Language',
  'role.administrator': 'Administrator',
  'role.agent': 'Agent',
  'realtime.reconnecting': 'Realtime connection lost. Reconnecting…',
  'realtime.reconnected': 'Connected again.',
  'error.generic': 'Something went wrong. Please try again.',
  'error.forbidden': 'Only administrators can see this page.',
  'error.notFound': 'Page not found.',
  'common.retry': 'Try again',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.delete': 'Delete',
  'common.close': 'Close',
  'common.loading': 'Loading…',
};
