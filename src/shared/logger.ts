import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../config/env.schema.js';

// Query parameters that carry secrets (Meta's webhook handshake sends the verify token in the URL).
const SECRET_QUERY_KEYS = /^(hub\.verify_token|access_token|api_access_token|token|password|secret|signature)$/i;

/** The URL as it may be logged: secret query values replaced by [REDACTED]. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  let changed = false;
  for (const key of [...params.keys()]) {
    if (SECRET_QUERY_KEYS.test(key)) {
      params.set(key, '[REDACTED]');
      changed = true;
    }
  }
  return changed ? `${url.slice(0, queryStart)}?${params.toString()}` : url;
}

const REDACT_PATHS = [
  'password',
  'token',
  'access_token',
  'secret',
  'authorization',
  'cookie',
  '*.password',
  '*.token',
  '*.access_token',
  '*.secret',
  '*.app_secret',
  '*.api_key',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["api_access_token"]',
  'req.headers["api-access-token"]',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'santana' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: {
        err: pino.stdSerializers.err,
        req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({
          method: req.method,
          url: redactUrl(req.url ?? ''),
          ip: req.ip,
        }),
      },
    },
    destination,
  );
}

export type { Logger };
