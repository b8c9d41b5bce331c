import type { Inbox } from '../../db/schema.js';
import { type MenuOption, type MenuState, matchMenuAnswer, menuMessage } from './greeting-menu.js';
import { storedMenu } from './inbox-settings.js';
import type { SystemReply } from './system-messages.js';
import { isOpenAt, nextOpening, storedWorkingHours } from './working-hours.js';

/** The incoming message a decision is about (from the message.incoming business event). */
export interface IncomingMessage {
  message_id: number;
  conversation_created: boolean;
  content: string | null;
  content_type: string;
  whatsapp_type: string | null;
  content_attributes: Record<string, unknown>;
}

/** Marks kept in the conversation's additional_attributes. */
export interface ConversationMarks {
  /** The closed period (the next opening, ISO; "closed" if none) the out-of-office reply went out for. */
  out_of_office_until?: string;
  greeting_menu?: MenuState;
}

const NEVER_OPENS = 'closed';

/** A button tapped on an offer or a template: an answer to something we sent, never small talk. */
export const isButtonAnswer = (message: IncomingMessage) =>
  message.content_type === 'interactive_reply' || message.content_type === 'button_reply';

const listReplyId = (message: IncomingMessage): string | null => {
  const interactive = message.content_attributes.interactive as { type?: unknown; id?: unknown } | undefined;
  return interactive?.type === 'list_reply' && typeof interactive.id === 'string' ? interactive.id : null;
};

/** The out-of-office reply, once per conversation for each closed period; null when open or already told. */
export function outOfOfficeReply(
  inbox: Inbox,
  marks: ConversationMarks,
  message: IncomingMessage,
  now: Date,
  timeZone: string,
): { reply: SystemReply; marks: ConversationMarks } | null {
  if (!inbox.working_hours_enabled || !inbox.out_of_office_message || isButtonAnswer(message)) return null;
  if (message.whatsapp_type === 'reaction') return null;
  const days = storedWorkingHours(inbox.working_hours);
  if (isOpenAt(days, now, timeZone)) return null;
  const period = nextOpening(days, now, timeZone)?.toISOString() ?? NEVER_OPENS;
  if (marks.out_of_office_until === period) return null;
  return {
    reply: { content: inbox.out_of_office_message, reason: 'out_of_office' },
    marks: { out_of_office_until: period },
  };
}

/** The greeting (with the menu, if the inbox has one) for a conversation that just started. */
export function greetingReply(inbox: Inbox, marks: ConversationMarks): { reply: SystemReply; state: MenuState } | null {
  if (!inbox.greeting_enabled || marks.greeting_menu) return null;
  const options = storedMenu(inbox.greeting_menu);
  const message = menuMessage(inbox.greeting_message, options);
  if (message.content === '') return null;
  return {
    reply: { ...message, reason: options.length > 0 ? 'greeting_menu' : 'greeting' },
    state: { status: options.length > 0 ? 'pending' : 'sent', attempts: 0 },
  };
}

export type MenuOutcome =
  | { kind: 'none' }
  /** The contact picked an option: route the conversation, send the option's reply. */
  | { kind: 'answered'; option: MenuOption; reply: SystemReply | null; state: MenuState }
  /** Not understood the first time: the menu again. */
  | { kind: 'repeat'; reply: SystemReply; state: MenuState }
  /** Not understood again (or an attendant already replied): the conversation is left to attendants. */
  | { kind: 'handed_off'; state: MenuState; note: string | null };

const REPEAT_PROMPT = 'Desculpe, não entendi. Escolha uma das opções:';

/** What the contact's message means for a pending greeting menu. */
export function menuAnswer(
  inbox: Inbox,
  state: MenuState | undefined,
  message: IncomingMessage,
  attendantReplied: boolean,
): MenuOutcome {
  if (!inbox.greeting_enabled || state?.status !== 'pending' || message.conversation_created) return { kind: 'none' };
  if (attendantReplied) return { kind: 'handed_off', state: { ...state, status: 'handed_off' }, note: null };
  const options = storedMenu(inbox.greeting_menu);
  const tapped = listReplyId(message);
  // Buttons of offers or templates answer something else; they neither pick nor spoil the menu.
  if (isButtonAnswer(message) && !tapped?.startsWith('menu:')) return { kind: 'none' };
  const option = matchMenuAnswer(options, { content: message.content, listReplyId: tapped });
  if (option) {
    return {
      kind: 'answered',
      option,
      reply: option.reply ? { content: option.reply, reason: 'greeting_menu_reply' } : null,
      state: { ...state, status: 'answered', key: option.key, answered_message_id: message.message_id },
    };
  }
  if (state.attempts < 1 && options.length > 0) {
    return {
      kind: 'repeat',
      reply: { ...menuMessage(REPEAT_PROMPT, options), reason: 'greeting_menu' },
      state: { ...state, attempts: state.attempts + 1 },
    };
  }
  return {
    kind: 'handed_off',
    state: { ...state, status: 'handed_off', attempts: state.attempts + 1 },
    note: 'Menu de saudação: resposta não reconhecida; a conversa fica com os atendentes.',
  };
}
