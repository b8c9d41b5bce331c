import type { Message } from '../inbox.api';

/** A message shown at once while it is being sent (optimistic), replaced by the stored one. */
export interface PendingMessage {
  tempId: string;
  content: string;
  private: boolean;
  createdAt: number;
  /** Set when the send failed: the bubble shows it and offers "tentar novamente". */
  error?: string;
  retry?: () => void;
}

export type SettledResult = { message: Message } | { error: string; retry: () => void };

/** How the composer tells the conversation view about a send (optimistic bubbles). */
export interface SendCallbacks {
  /** Optimistic sending: show the message now… */
  onPending(message: PendingMessage): void;
  /** …then replace it with the stored one, or mark it failed (with a retry). */
  onSettled(tempId: string, result: SettledResult): void;
}
