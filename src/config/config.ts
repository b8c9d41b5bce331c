import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { type Env, EnvSchema, type LogLevel } from './env.schema.js';

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string; poolSize: number; startupTimeoutMs: number };

export interface WhatsAppEnvInbox {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  businessAccountId: string | undefined;
  displayPhoneNumber: string | undefined;
}

export interface Config {
  env: Env['NODE_ENV'];
  http: { port: number; host: string; trustProxy: boolean; frontendUrl: string };
  dataDir: string;
  database: DatabaseConfig;
  redis: { url: string; prefix: string } | null;
  secretKeyBase: string;
  /** Where SECRET_KEY_BASE came from: the environment, or generated into DATA_DIR. */
  secretKeyBaseSource: 'env' | 'data_dir';
  admin: { email: string | undefined; password: string | undefined };
  timezone: string;
  whatsapp: {
    inbox: WhatsAppEnvInbox | null;
    graphUrl: string;
    graphVersion: string;
    simulator: boolean;
  };
  /** Days kept of copies of people's messages made for operations (pruned daily). */
  retention: { rawWebhooks: number; webhookDeliveries: number };
  /** API bases of the SMS gateways (Twilio's and Zenvia's, or a test fake). */
  sms: { twilioApiUrl: string; zenviaApiUrl: string };
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  jobs: { leaseMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
}

const WHATSAPP_REQUIRED = [
  'WHATSAPP_PHONE_NUMBER_ID',
  'WHATSAPP_ACCESS_TOKEN',
  'WHATSAPP_APP_SECRET',
  'WHATSAPP_VERIFY_TOKEN',
] as const;

/** One line per bad variable, naming it and what is expected (values of secrets are never echoed). */
function describeIssues(issues: z.core.$ZodIssue[], source: Record<string, string | undefined>): string[] {
  const lines = new Map<string, string>();
  for (const issue of issues) {
    const name = String(issue.path[0] ?? 'environment');
    if (lines.has(name)) continue;
    const raw = source[name];
    const shown =
      raw === undefined || /SECRET|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL/.test(name) ? '' : ` (got "${raw}")`;
    lines.set(name, `${name}: ${issue.message}${shown}`);
  }
  return [...lines.values()];
}

function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = EnvSchema.safeParse(source);
  const problems = parsed.success ? [] : describeIssues(parsed.error.issues, source);
  if (parsed.success) {
    const env = parsed.data;
    const anyWhatsApp = WHATSAPP_REQUIRED.some((name) => env[name] !== undefined);
    if (anyWhatsApp) {
      for (const name of WHATSAPP_REQUIRED) {
        if (env[name] === undefined) {
          problems.push(`${name}: required when any WhatsApp credential is set (${WHATSAPP_REQUIRED.join(', ')})`);
        }
      }
    }
    if (problems.length === 0) return env;
  }
  throw new ConfigError(problems);
}

// Generated once and kept beside the embedded database, so sessions and encrypted credentials survive restarts.
function loadOrCreateSecretKeyBase(dataDir: string): string {
  const file = path.join(dataDir, 'secret_key_base');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(64).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'w' });
  return secret;
}

/** Parses the environment once at boot into Santana's typed, nested configuration. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const env = parseEnv(source);
  const dataDir = path.resolve(env.DATA_DIR);
  const whatsappInbox: WhatsAppEnvInbox | null =
    env.WHATSAPP_PHONE_NUMBER_ID && env.WHATSAPP_ACCESS_TOKEN && env.WHATSAPP_APP_SECRET && env.WHATSAPP_VERIFY_TOKEN
      ? {
          phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
          accessToken: env.WHATSAPP_ACCESS_TOKEN,
          appSecret: env.WHATSAPP_APP_SECRET,
          verifyToken: env.WHATSAPP_VERIFY_TOKEN,
          businessAccountId: env.WHATSAPP_BUSINESS_ACCOUNT_ID,
          displayPhoneNumber: env.WHATSAPP_DISPLAY_PHONE_NUMBER,
        }
      : null;
  return {
    env: env.NODE_ENV,
    http: {
      port: env.PORT,
      host: env.HOST,
      trustProxy: env.TRUST_PROXY ?? false,
      frontendUrl: (env.FRONTEND_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    },
    dataDir,
    database: env.DATABASE_URL
      ? {
          kind: 'postgres',
          url: env.DATABASE_URL,
          poolSize: env.DATABASE_POOL_SIZE,
          startupTimeoutMs: env.DATABASE_STARTUP_TIMEOUT * 1000,
        }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    redis: env.REDIS_URL ? { url: env.REDIS_URL, prefix: env.REDIS_PREFIX } : null,
    secretKeyBase: env.SECRET_KEY_BASE ?? loadOrCreateSecretKeyBase(dataDir),
    secretKeyBaseSource: env.SECRET_KEY_BASE ? 'env' : 'data_dir',
    admin: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD },
    timezone: env.APP_TIMEZONE,
    whatsapp: {
      inbox: whatsappInbox,
      graphUrl: env.WHATSAPP_GRAPH_URL.replace(/\/+$/, ''),
      graphVersion: env.WHATSAPP_GRAPH_VERSION,
      simulator: env.SIMULATOR ?? (whatsappInbox === null && env.NODE_ENV !== 'production'),
    },
    retention: {
      rawWebhooks: env.RAW_WEBHOOK_RETENTION_DAYS,
      webhookDeliveries: env.WEBHOOK_DELIVERY_RETENTION_DAYS,
    },
    sms: {
      twilioApiUrl: env.TWILIO_API_URL.replace(/\/+$/, ''),
      zenviaApiUrl: env.ZENVIA_API_URL.replace(/\/+$/, ''),
    },
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT * 1000,
    jobs: { leaseMs: env.JOBS_LEASE_SECONDS * 1000 },
  };
}
