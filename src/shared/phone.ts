import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { LRUCache } from 'lru-cache';

export interface NormalizedPhone {
  /** E.164 with "+"; Brazilian mobiles always in today's 9-digit form. */
  e164: string;
  /**
   * Matching key: the same for both forms of a Brazilian mobile (with and without the 9th digit),
   * so "5511987654321" and "551187654321" find one contact whichever arrives first.
   */
  key: string;
}

const digitsOnly = (value: string) => value.replace(/\D/g, '');

/**
 * Brazil added a 9 in front of every mobile number (2012–2016), but WhatsApp still reports older
 * accounts without it. National numbers: DDD (2 digits) + 9 + 8 digits, or DDD + 8 digits starting 6–9.
 */
function brazilianMobileParts(national: string): { ddd: string; subscriber: string } | null {
  if (national.length === 11 && national[2] === '9')
    return { ddd: national.slice(0, 2), subscriber: national.slice(3) };
  if (national.length === 10 && /[6-9]/.test(national[2] ?? '')) {
    return { ddd: national.slice(0, 2), subscriber: national.slice(2) };
  }
  return null;
}

/**
 * Normalises a phone number as WhatsApp (digits, maybe without "+") or a person (with spaces, dashes,
 * parentheses) writes it. Numbers without a country code are read as Brazilian. Returns null when the
 * input is not a phone number at all.
 */
export function normalizePhone(input: string): NormalizedPhone | null {
  const remembered = normalized.get(input);
  if (remembered !== undefined) return remembered === NOT_A_PHONE ? null : remembered;
  const phone = parsePhone(input);
  normalized.set(input, phone ? Object.freeze(phone) : NOT_A_PHONE);
  return phone;
}

// The same wa_ids come back with every message (lock key, contact lookup, changes): parsed once each.
const NOT_A_PHONE = Object.freeze({ e164: '', key: '' });
const normalized = new LRUCache<string, Readonly<NormalizedPhone>>({ max: 20_000 });

function parsePhone(input: string): NormalizedPhone | null {
  const trimmed = input.trim();
  if (!/^[+\d\s().-]{8,25}$/.test(trimmed)) return null;
  const digits = digitsOnly(trimmed);
  if (digits.length < 8 || digits.length > 15) return null;
  const candidates = trimmed.startsWith('+') || digits.length > 11 ? [`+${digits}`] : [`+55${digits}`, `+${digits}`];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate);
    if (!parsed) continue;
    if (parsed.countryCallingCode === '55') {
      const mobile = brazilianMobileParts(parsed.nationalNumber);
      if (mobile) {
        return { e164: `+55${mobile.ddd}9${mobile.subscriber}`, key: `55${mobile.ddd}${mobile.subscriber}` };
      }
      if (!parsed.isPossible()) continue;
      return { e164: parsed.number, key: digitsOnly(parsed.number) };
    }
    if (parsed.isPossible()) return { e164: parsed.number, key: digitsOnly(parsed.number) };
  }
  return null;
}

/** Both forms a Brazilian mobile may take in WhatsApp (with and without the 9th digit), as digits. */
export function whatsappVariants(phone: NormalizedPhone): string[] {
  const digits = digitsOnly(phone.e164);
  if (digits.startsWith('55') && digits.length === 13 && digits[4] === '9') {
    return [digits, `${digits.slice(0, 4)}${digits.slice(5)}`];
  }
  return [digits];
}
