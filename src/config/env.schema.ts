import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

const booleanFlag = z.preprocess(
  emptyAsUndefined,
  z
    .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'], {
      error: 'expected on or off (also true/false, 1/0, yes/no)',
    })
    .transform((value) => ['on', 'true', '1', 'yes'].includes(value))
    .optional(),
);

const port = (fallback: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number({ error: 'expected an integer between 1 and 65535' })
      .int({ error: 'expected an integer between 1 and 65535' })
      .min(1, { error: 'expected an integer between 1 and 65535' })
      .max(65535, { error: 'expected an integer between 1 and 65535' })
      .default(fallback),
  );

const urlWithProtocols = (protocols: string[], example: string) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine(
        (value) => {
          try {
            const url = new URL(value);
            return protocols.includes(url.protocol) && url.hostname !== '';
          } catch {
            return false;
          }
        },
        { error: `expected a URL like ${example}` },
      )
      .optional(),
  );

const timeZone = z.string().refine(
  (value) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected an IANA time zone such as America/Sao_Paulo' },
);

/** An integer in [min, max]; `what` names it in the error ("expected a whole number of days from 7 to 3650"). */
const integerFrom = (min: number, max: number, fallback: number, what: string) => {
  const error = `expected ${what} from ${min} to ${max}`;
  return z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback),
  );
};

const positiveSeconds = (fallback: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number({ error: 'expected a number of seconds' })
      .positive({ error: 'expected a positive number of seconds' })
      .default(fallback),
  );

/**
 * Every environment variable Santana reads (DESIGN.md §4.2 plus the operational extras documented in
 * .env.example). Parsed once at boot by loadConfig; nothing else reads process.env.
 */
export const EnvSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'production', 'test']).default('development')),
  PORT: port(8080),
  HOST: z.preprocess(emptyAsUndefined, z.string().min(1).default('0.0.0.0')),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().min(1).default('./data')),
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/santana'),
  DATABASE_POOL_SIZE: integerFrom(2, 200, 10, 'an integer'),
  DATABASE_STARTUP_TIMEOUT: positiveSeconds(30),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9:_-]{1,50}$/, { error: 'expected letters, digits, ":", "_" or "-" (at most 50)' })
      .default('santana'),
  ),
  SECRET_KEY_BASE: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, { error: 'expected at least 32 characters (try: openssl rand -hex 64)' }).optional(),
  ),
  FRONTEND_URL: urlWithProtocols(['http:', 'https:'], 'https://santana.example.com'),
  TRUST_PROXY: booleanFlag,
  ADMIN_EMAIL: z.preprocess(emptyAsUndefined, z.email({ error: 'expected an e-mail address' }).optional()),
  ADMIN_PASSWORD: z.preprocess(
    emptyAsUndefined,
    z.string().min(8, { error: 'expected at least 8 characters' }).optional(),
  ),
  APP_TIMEZONE: z.preprocess(emptyAsUndefined, timeZone.default('America/Sao_Paulo')),
  WHATSAPP_PHONE_NUMBER_ID: optionalString,
  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_BUSINESS_ACCOUNT_ID: optionalString,
  WHATSAPP_DISPLAY_PHONE_NUMBER: optionalString,
  WHATSAPP_GRAPH_URL: z.preprocess(
    emptyAsUndefined,
    urlWithProtocols(['http:', 'https:'], 'https://graph.facebook.com').default('https://graph.facebook.com'),
  ),
  WHATSAPP_GRAPH_VERSION: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^v\d+\.\d+$/, { error: 'expected a Graph API version such as v24.0' })
      .default('v24.0'),
  ),
  SIMULATOR: booleanFlag,
  // Days a stored WhatsApp webhook body is kept once processed. At least 7: Meta redelivers for up to 7 days,
  // and a stored body is how a redelivery is recognised.
  RAW_WEBHOOK_RETENTION_DAYS: integerFrom(7, 3650, 30, 'a whole number of days'),
  // Days the outgoing webhook log (with each payload sent) is kept.
  WEBHOOK_DELIVERY_RETENTION_DAYS: integerFrom(1, 3650, 30, 'a whole number of days'),
  // SMS gateways' API bases (tests point them at a local fake).
  TWILIO_API_URL: z.preprocess(
    emptyAsUndefined,
    urlWithProtocols(['http:', 'https:'], 'https://api.twilio.com').default('https://api.twilio.com'),
  ),
  ZENVIA_API_URL: z.preprocess(
    emptyAsUndefined,
    urlWithProtocols(['http:', 'https:'], 'https://api.zenvia.com').default('https://api.zenvia.com'),
  ),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  SHUTDOWN_TIMEOUT: positiveSeconds(25),
  JOBS_LEASE_SECONDS: positiveSeconds(30),
});

export type Env = z.infer<typeof EnvSchema>;
export type LogLevel = (typeof LOG_LEVELS)[number];
