import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature } from './twilio-signature.js';

// The example Twilio's request validators are tested with (auth token 12345).
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = new URLSearchParams({
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
});
const EXPECTED = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('X-Twilio-Signature', () => {
  it("matches Twilio's published example, whatever order the fields came in", () => {
    expect(twilioSignature('12345', URL, PARAMS)).toBe(EXPECTED);
    expect(twilioSignature('12345', URL, new URLSearchParams([...PARAMS].reverse()))).toBe(EXPECTED);
  });

  it('refuses a changed field, a changed URL, another token or no signature', () => {
    const tampered = new URLSearchParams(PARAMS);
    tampered.set('Digits', '9999');
    expect(verifyTwilioSignature('12345', URL, PARAMS, EXPECTED)).toBe(true);
    expect(verifyTwilioSignature('12345', URL, tampered, EXPECTED)).toBe(false);
    expect(verifyTwilioSignature('12345', `${URL}&baz=3`, PARAMS, EXPECTED)).toBe(false);
    expect(verifyTwilioSignature('54321', URL, PARAMS, EXPECTED)).toBe(false);
    expect(verifyTwilioSignature('12345', URL, PARAMS, undefined)).toBe(false);
  });
});
