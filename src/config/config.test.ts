import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'santana-config-'));

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: dataDir(), ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs on the embedded defaults with nothing set', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config.http).toMatchObject({ port: 8080, host: '0.0.0.0', frontendUrl: 'http://localhost:8080' });
    expect(config.database.kind).toBe('pglite');
    expect(config.redis).toBeNull();
    expect(config.timezone).toBe('America/Sao_Paulo');
    expect(config.whatsapp).toMatchObject({
      graphUrl: 'https://graph.facebook.com',
      graphVersion: 'v24.0',
      simulator: true,
      inbox: null,
    });
    expect(config.retention).toEqual({ rawWebhooks: 30, webhookDeliveries: 30 });
    expect(config.logLevel).toBe('info');
  });

  it('keeps raw webhooks 7 to 3650 days (Meta redelivers for up to 7) and the webhook log 1 to 3650', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      RAW_WEBHOOK_RETENTION_DAYS: '90',
      WEBHOOK_DELIVERY_RETENTION_DAYS: '3',
    });
    expect(config.retention).toEqual({ rawWebhooks: 90, webhookDeliveries: 3 });
    for (const value of ['6', '3651', '10.5', 'forever']) {
      expect(problemsOf({ RAW_WEBHOOK_RETENTION_DAYS: value })[0]).toMatch(
        /^RAW_WEBHOOK_RETENTION_DAYS: expected a whole number of days from 7 to 3650/,
      );
    }
    expect(problemsOf({ WEBHOOK_DELIVERY_RETENTION_DAYS: '0' })[0]).toMatch(
      /^WEBHOOK_DELIVERY_RETENTION_DAYS: expected a whole number of days from 1 to 3650/,
    );
  });

  it('names each bad variable on its own line with what is expected', () => {
    const problems = problemsOf({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      APP_TIMEZONE: 'Mars/Base',
    });
    expect(problems).toHaveLength(4);
    expect(problems.find((line) => line.startsWith('PORT:'))).toMatch(/integer between 1 and 65535.*"abc"/);
    expect(problems.find((line) => line.startsWith('DATABASE_URL:'))).toMatch(/postgres:\/\//);
    expect(problems.find((line) => line.startsWith('LOG_LEVEL:'))).toMatch(
      /fatal, error, warn, info, debug, trace, silent/,
    );
    expect(problems.find((line) => line.startsWith('APP_TIMEZONE:'))).toMatch(/IANA time zone/);
  });

  it('never echoes the value of a secret in an error', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres-but-wrong:hunter2@db', SECRET_KEY_BASE: 'short-secret' });
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems.join('\n')).not.toContain('short-secret');
    expect(problems.some((line) => line.startsWith('SECRET_KEY_BASE:'))).toBe(true);
  });

  it('requires the whole set of WhatsApp credentials once one is given', () => {
    const problems = problemsOf({ WHATSAPP_ACCESS_TOKEN: 'EAAG...' });
    expect(problems.map((line) => line.split(':')[0])).toEqual([
      'WHATSAPP_PHONE_NUMBER_ID',
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
    ]);
  });

  it('turns the simulator off when WhatsApp is configured or in production, unless asked for', () => {
    const whatsapp = {
      WHATSAPP_PHONE_NUMBER_ID: '123',
      WHATSAPP_ACCESS_TOKEN: 'token',
      WHATSAPP_APP_SECRET: 'secret',
      WHATSAPP_VERIFY_TOKEN: 'verify',
    };
    expect(loadConfig({ DATA_DIR: dataDir(), ...whatsapp }).whatsapp.simulator).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir(), NODE_ENV: 'production' }).whatsapp.simulator).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir(), NODE_ENV: 'production', SIMULATOR: 'on' }).whatsapp.simulator).toBe(true);
    expect(problemsOf({ SIMULATOR: 'maybe' })[0]).toMatch(/^SIMULATOR: expected on or off/);
  });

  it('selects PostgreSQL and Redis from their URLs', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://santana:pw@db:5432/santana',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config.database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://santana:pw@db:5432/santana',
      poolSize: 10,
    });
    expect(config.redis).toEqual({ url: 'redis://cache:6379', prefix: 'santana' });
  });

  it('generates SECRET_KEY_BASE once into DATA_DIR, readable only by its owner, and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.secretKeyBase).toHaveLength(128);
    expect(second.secretKeyBase).toBe(first.secretKeyBase);
    expect(first.secretKeyBaseSource).toBe('data_dir');
    const file = path.join(dir, 'secret_key_base');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secretKeyBase);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('prefers SECRET_KEY_BASE from the environment', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), SECRET_KEY_BASE: 'x'.repeat(64) });
    expect(config).toMatchObject({ secretKeyBase: 'x'.repeat(64), secretKeyBaseSource: 'env' });
  });
});
