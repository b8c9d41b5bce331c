/** WhatsApp's customer service window: free-form replies only within 24 h of the last incoming message. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export function replyWindow(lastIncomingAt: Date | null, now: Date): { canReply: boolean; closesAt: Date | null } {
  if (!lastIncomingAt) return { canReply: false, closesAt: null };
  const closesAt = new Date(lastIncomingAt.getTime() + WINDOW_MS);
  return { canReply: now.getTime() < closesAt.getTime(), closesAt };
}
