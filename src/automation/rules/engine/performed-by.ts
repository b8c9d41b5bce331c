/**
 * Who caused a change, carried in the business events it records (`data.performed_by`). For an
 * automation rule, `chain` lists the rules that led to it (the rule itself last), so a rule never
 * re-triggers itself and a cascade of rules stops after MAX_RULE_CHAIN links.
 */
export type PerformedBy =
  | { type: 'user'; id: number }
  | { type: 'system' }
  | { type: 'automation_rule'; id: number; chain: number[] };

export const MAX_RULE_CHAIN = 3;

/** Reads `performed_by` back from a recorded event's data (anything unexpected counts as unknown). */
export function readPerformedBy(value: unknown): PerformedBy | null {
  if (!value || typeof value !== 'object') return null;
  const candidate = value as { type?: unknown; id?: unknown; chain?: unknown };
  if (candidate.type === 'automation_rule' && typeof candidate.id === 'number') {
    const chain = Array.isArray(candidate.chain)
      ? candidate.chain.filter((id): id is number => typeof id === 'number')
      : [candidate.id];
    return { type: 'automation_rule', id: candidate.id, chain };
  }
  if (candidate.type === 'user' && typeof candidate.id === 'number') return { type: 'user', id: candidate.id };
  if (candidate.type === 'system') return { type: 'system' };
  return null;
}

/** Why a rule must not run for an event caused by `performedBy`, or null when it may. */
export function loopReason(ruleId: number, performedBy: PerformedBy | null): string | null {
  if (performedBy?.type !== 'automation_rule') return null;
  if (performedBy.chain.includes(ruleId)) {
    return 'Evento causado por uma ação desta mesma regra: não dispara de novo (proteção contra laço).';
  }
  if (performedBy.chain.length >= MAX_RULE_CHAIN) {
    return `Cadeia de automações com mais de ${MAX_RULE_CHAIN} regras (${performedBy.chain.join(' → ')} → ${ruleId}): interrompida.`;
  }
  return null;
}

/** What the actions of `ruleId` carry, continuing the chain of the event that triggered it. */
export function performedByRule(ruleId: number, trigger: PerformedBy | null): PerformedBy {
  const chain = trigger?.type === 'automation_rule' ? trigger.chain : [];
  return { type: 'automation_rule', id: ruleId, chain: [...chain, ruleId] };
}
