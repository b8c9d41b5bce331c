/** What a reply button says: which offer, its secret token, and the answer. */
export interface OfferAnswer {
  assignmentId: number;
  token: string;
  outcome: 'accept' | 'decline';
}

export const OFFER_PAYLOAD_PREFIX = 'offer:';
const PAYLOAD = /^offer:(\d{1,15}):([A-Za-z0-9_-]{8,64}):(accept|decline)$/;

/** `offer:<assignment_id>:<offer_token>:accept|decline`: the button id (interactive) or payload (template). */
export function offerPayload(assignmentId: number, token: string, outcome: OfferAnswer['outcome']): string {
  return `${OFFER_PAYLOAD_PREFIX}${assignmentId}:${token}:${outcome}`;
}

/** Null for anything that is not exactly an offer payload (the token is checked against the row later). */
export function parseOfferPayload(value: string): OfferAnswer | null {
  const match = PAYLOAD.exec(value.trim());
  if (!match) return null;
  return { assignmentId: Number(match[1]), token: match[2] as string, outcome: match[3] as OfferAnswer['outcome'] };
}
