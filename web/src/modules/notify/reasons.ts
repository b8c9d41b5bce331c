import { formatDateTime } from '../../shared/format';

// "2030-06-08T11:00:00.000Z" inside a sentence: shown in São Paulo time.
const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/g;
const CODE = /^([a-z][a-z0-9_]*):\s*/;

/** The machine code a reason starts with (`quiet_hours`, `opted_out`…), or null. */
export function reasonCode(reason: string | null | undefined): string | null {
  return reason ? (CODE.exec(reason)?.[1] ?? null) : null;
}

/**
 * What a person reads for a notification's reason: the API writes `code: frase em português`; the code
 * is for filters and integrations, the sentence (its instants in São Paulo time) is for people.
 */
export function reasonSentence(reason: string | null | undefined): string | null {
  if (!reason) return null;
  const sentence = reason
    .replace(CODE, '')
    .replace(ISO_INSTANT, (instant) => {
      const at = new Date(instant);
      return Number.isNaN(at.getTime()) ? instant : formatDateTime(at);
    })
    .trim();
  if (!sentence) return null;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
