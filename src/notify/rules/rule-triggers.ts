// No imports: the web app's rule form imports these lists too.
/** What can start a notification rule (contract). */
export const RULE_TRIGGERS = [
  'event.created',
  'event.confirmed',
  'event.rescheduled',
  'event.cancelled',
  'event.before_start',
  'event.after_end',
  'assignment.accepted',
  'assignment.declined',
  'offer.expired',
] as const;
export type RuleTrigger = (typeof RULE_TRIGGERS)[number];

/** Triggers anchored to the event's clock: their notifications move when the event moves. */
export const TIMED_TRIGGERS: readonly RuleTrigger[] = ['event.before_start', 'event.after_end'];

/** Triggers about one provider's assignment: the provider audience is that provider only. */
export const ASSIGNMENT_TRIGGERS: readonly RuleTrigger[] = [
  'assignment.accepted',
  'assignment.declined',
  'offer.expired',
];

/** The due time of a timed rule's notification for an event. */
export function timedDueAt(
  trigger: RuleTrigger,
  offsetMinutes: number,
  event: { starts_at: Date; ends_at: Date },
): Date | null {
  if (trigger === 'event.before_start') return new Date(event.starts_at.getTime() - offsetMinutes * 60_000);
  if (trigger === 'event.after_end') return new Date(event.ends_at.getTime() + offsetMinutes * 60_000);
  return null;
}
