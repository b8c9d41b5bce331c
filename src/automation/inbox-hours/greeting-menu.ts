import type { Interactive } from '../../channels/whatsapp/outbound-payload.js';

/** One option of an inbox's greeting menu: what the contact answers, and where it routes the conversation. */
export interface MenuOption {
  key: string;
  title: string;
  team_id?: number | null | undefined;
  labels?: string[] | undefined;
  reply?: string | null | undefined;
}

/** Where a conversation's greeting menu stands, kept in its additional_attributes.greeting_menu. */
export interface MenuState {
  status: 'pending' | 'answered' | 'handed_off' | 'sent';
  /** Unknown answers so far: the menu is repeated once, then the conversation is left to an attendant. */
  attempts: number;
  /** The menu message last sent: an attendant's reply after it ends the menu. */
  message_id?: number;
  key?: string;
  /** The incoming message that answered (a retried job re-applies the routing for it). */
  answered_message_id?: number;
}

export const MAX_MENU_OPTIONS = 20;
// WhatsApp's list messages: at most 10 rows, titles up to 24 characters.
const LIST_ROWS = 10;
const LIST_TITLE = 24;
const LIST_ROW_ID_PREFIX = 'menu:';
const DEFAULT_PROMPT = 'Como podemos ajudar? Escolha uma opção:';

/** "1 - Orçamento de evento", one option a line. */
export const menuLines = (options: readonly MenuOption[]) =>
  options.map((option) => `${option.key} - ${option.title}`).join('\n');

/**
 * The greeting with its menu: a WhatsApp list when the options fit one (≤ 10, short titles), otherwise
 * text with one numbered option a line. `prefix` goes before the greeting (e.g. "Não entendi.").
 */
export function menuMessage(
  greeting: string | null,
  options: readonly MenuOption[],
  prefix?: string,
): { content: string; interactive?: Interactive } {
  const intro = [prefix, greeting?.trim() || (options.length > 0 ? DEFAULT_PROMPT : null)]
    .filter((part): part is string => Boolean(part))
    .join('\n\n');
  if (options.length === 0) return { content: intro };
  const fitsList = options.length <= LIST_ROWS && options.every((option) => option.title.length <= LIST_TITLE);
  if (!fitsList) return { content: `${intro}\n\n${menuLines(options)}` };
  return {
    content: intro,
    interactive: {
      type: 'list',
      body: intro,
      footer: 'Ou responda com o número da opção',
      button: 'Ver opções',
      sections: [
        {
          rows: options.map((option) => ({ id: `${LIST_ROW_ID_PREFIX}${option.key}`, title: option.title })),
        },
      ],
    },
  };
}

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase();

/**
 * The option a contact's answer picks: the list row they tapped, the key typed alone or leading the
 * text ("1", " 1 ", "1 - Orçamento", "1."), or the option's title typed out. Null when none.
 */
export function matchMenuAnswer(
  options: readonly MenuOption[],
  answer: { content: string | null; listReplyId?: string | null },
): MenuOption | null {
  if (answer.listReplyId?.startsWith(LIST_ROW_ID_PREFIX)) {
    const key = answer.listReplyId.slice(LIST_ROW_ID_PREFIX.length);
    const tapped = options.find((option) => option.key === key);
    if (tapped) return tapped;
  }
  const text = fold(answer.content ?? '');
  if (text === '') return null;
  const leading = /^([\p{L}\p{N}]+)(?:\s*[-–—.):]|\s*$)/u.exec(text)?.[1];
  return (
    options.find((option) => fold(option.key) === leading) ??
    options.find((option) => fold(option.title) === text) ??
    null
  );
}
