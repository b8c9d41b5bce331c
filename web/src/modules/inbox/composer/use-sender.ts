import { useCallback, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import type { Message } from '../inbox.api';
import type { SendCallbacks } from './composer.types';

let counter = 0;
/** A client-side id for the optimistic bubble until the stored message replaces it. */
export const newTempId = () => {
  counter += 1;
  return `tmp-${Date.now().toString(36)}-${counter}`;
};

export interface Sendable {
  /** What the optimistic bubble shows. */
  content: string;
  private: boolean;
  run(): Promise<Message>;
  /** Called with the human sentence when the send fails (before onSettled), e.g. to show it in the composer too. */
  onFailure?(reason: string): void;
  onSuccess?(message: Message): void;
}

/**
 * Optimistic sending in order: each send shows at once (onPending), runs after the previous one (so
 * messages reach WhatsApp in the order they were written), and settles with the stored message or with
 * the error and a retry that sends the same thing again.
 */
export function useSender(props: SendCallbacks, genericError: string) {
  const queue = useRef<Promise<void>>(Promise.resolve());
  const [inFlight, setInFlight] = useState(0);
  const { onPending, onSettled } = props;

  const send = useCallback(
    (item: Sendable): Promise<string | null> => {
      const tempId = newTempId();
      return new Promise((resolve) => {
        const attempt = () => {
          onPending({ tempId, content: item.content, private: item.private, createdAt: Date.now() });
          setInFlight((count) => count + 1);
          queue.current = queue.current.then(async () => {
            try {
              const message = await item.run();
              item.onSuccess?.(message);
              onSettled(tempId, { message });
              resolve(null);
            } catch (error) {
              const reason = error instanceof ApiError ? error.message : genericError;
              item.onFailure?.(reason);
              onSettled(tempId, { error: reason, retry: attempt });
              resolve(reason);
            } finally {
              setInFlight((count) => count - 1);
            }
          });
        };
        attempt();
      });
    },
    [onPending, onSettled, genericError],
  );

  return { send, sending: inFlight > 0 };
}
