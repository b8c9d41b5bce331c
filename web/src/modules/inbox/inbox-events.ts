import { createContext, useContext, useEffect, useRef } from 'react';
import type { AccountEvent } from '../../shared/realtime';

/** A realtime event with the conversation's display id resolved (the stream sends internal ids). */
export interface InboxEvent {
  name: string;
  /** The conversation's display id (the URL's), when known. */
  displayId?: number;
  /** For message.* events: the message id. For contact.* events: the contact id. */
  targetId?: number;
  data: Record<string, unknown>;
}

export type InboxEventListener = (event: InboxEvent | { name: 'resync' }) => void;

/**
 * Resolves display ids: conversation events carry `{id, display_id}`, most message events
 * `{conversation_id, display_id}`, status updates only `conversation_id` — learned from the others.
 */
export function createEventResolver() {
  const displayIds = new Map<number, number>();
  return (event: AccountEvent): InboxEvent => {
    const data = event.data ?? {};
    const isConversation = event.event.startsWith('conversation.');
    const internal = isConversation ? data.id : data.conversation_id;
    let displayId = typeof data.display_id === 'number' ? data.display_id : undefined;
    if (typeof internal === 'number') {
      if (displayId !== undefined) displayIds.set(internal, displayId);
      else displayId = displayIds.get(internal);
    }
    const targetId = !isConversation && typeof data.id === 'number' ? data.id : undefined;
    return { name: event.event, displayId, targetId, data };
  };
}

export interface InboxEvents {
  subscribe(listener: InboxEventListener): () => void;
}

export const InboxEventsContext = createContext<InboxEvents>({ subscribe: () => () => undefined });

/** Runs `listener` for every realtime event the inbox receives (and `{name: 'resync'}` after a gap). */
export function useInboxEvents(listener: InboxEventListener) {
  const events = useContext(InboxEventsContext);
  const current = useRef(listener);
  current.current = listener;
  useEffect(() => events.subscribe((event) => current.current(event)), [events]);
}
