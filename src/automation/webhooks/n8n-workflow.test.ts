import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { webhookSignature } from './deliver-webhook.job.js';

// docs/n8n-workflow.json is what operators import into n8n: it must stay a workflow n8n can load, and
// its Code node must accept Santana's real signature (and refuse anything else).
const workflow = JSON.parse(readFileSync(new URL('../../../docs/n8n-workflow.json', import.meta.url), 'utf8')) as {
  name: string;
  nodes: Array<{
    id: string;
    name: string;
    type: string;
    typeVersion: number;
    position: number[];
    parameters: Record<string, unknown>;
  }>;
  connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
};
const nodeNamed = (name: string) => {
  const node = workflow.nodes.find((candidate) => candidate.name === name);
  if (!node) throw new Error(`no node ${name}`);
  return node;
};

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

/** Runs the Code node as n8n would: `$input`, `this.helpers.getBinaryDataBuffer`, `require`. */
async function verify(headers: Record<string, string>, rawBody: string, secret: string) {
  const code = (nodeNamed('Verificar assinatura').parameters.jsCode as string).replace(
    "'COLE_AQUI_O_SEGREDO_DO_WEBHOOK'",
    JSON.stringify(secret),
  );
  const run = new AsyncFunction('require', '$input', code);
  const context = { helpers: { getBinaryDataBuffer: async () => Buffer.from(rawBody, 'utf8') } };
  const input = { first: () => ({ json: { headers } }) };
  const [item] = (await run.call(context, createRequire(import.meta.url), input)) as Array<{
    json: { valid: boolean; event: string | null; body: unknown };
  }>;
  return item?.json;
}

describe('the example n8n workflow (docs/n8n-workflow.json)', () => {
  it('is a workflow n8n can import: unique names, known node types, connections between its nodes', () => {
    expect(workflow.name).toBeTruthy();
    const names = workflow.nodes.map((node) => node.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(workflow.nodes.map((node) => node.id)).size).toBe(names.length);
    for (const node of workflow.nodes) {
      expect(node.type).toMatch(/^n8n-nodes-base\.\w+$/);
      expect(node.typeVersion).toBeGreaterThan(0);
      expect(node.position).toHaveLength(2);
    }
    for (const [source, outputs] of Object.entries(workflow.connections)) {
      expect(names).toContain(source);
      for (const target of outputs.main.flat()) expect(names).toContain(target.node);
    }
    expect(nodeNamed('Webhook do Santana')).toMatchObject({
      type: 'n8n-nodes-base.webhook',
      parameters: { httpMethod: 'POST', responseMode: 'responseNode', options: { rawBody: true } },
    });
  });

  it('accepts a delivery signed by Santana and reads its event', async () => {
    const body = JSON.stringify({ event: 'assignment_accepted', id: 7, provider: { name: 'Paulo' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await verify(
      {
        'x-chatwoot-timestamp': String(timestamp),
        'x-chatwoot-signature': webhookSignature('segredo-123', timestamp, body),
      },
      body,
      'segredo-123',
    );
    expect(result).toMatchObject({ valid: true, event: 'assignment_accepted', body: { id: 7 } });
  });

  it('refuses another secret, a changed body and an old timestamp', async () => {
    const body = JSON.stringify({ event: 'assignment_accepted' });
    const now = Math.floor(Date.now() / 1000);
    const headers = (timestamp: number, signedBody = body, secret = 'segredo-123') => ({
      'x-chatwoot-timestamp': String(timestamp),
      'x-chatwoot-signature': webhookSignature(secret, timestamp, signedBody),
    });
    expect((await verify(headers(now, body, 'outro'), body, 'segredo-123'))?.valid).toBe(false);
    expect((await verify(headers(now, '{"event":"x"}'), body, 'segredo-123'))?.valid).toBe(false);
    expect((await verify(headers(now - 3600), body, 'segredo-123'))?.valid).toBe(false);
    expect((await verify({}, body, 'segredo-123'))?.valid).toBe(false);
  });

  it('builds the activity Santana’s API expects from an assignment_accepted payload', () => {
    const expression = nodeNamed('Criar tarefa no Santana').parameters.jsonBody as string;
    const inner = /^=\{\{(.*)\}\}$/s.exec(expression)?.[1];
    if (!inner) throw new Error('jsonBody is not an expression');
    const $json = {
      delivery: 'abc',
      body: {
        account: { id: 1 },
        service: 'Garçom',
        provider: { name: 'Paulo', contact_id: 12 },
        calendar_event: { id: 42, title: 'Casamento Silva' },
      },
    };
    const rendered = JSON.parse(new Function('$json', `return (${inner});`)($json));
    expect(rendered).toEqual({
      kind: 'task',
      title: 'Enviar briefing a Paulo (Garçom) - Casamento Silva',
      contact_id: 12,
      event_id: 42,
      notes: 'Aceite registrado pelo n8n (entrega abc).',
    });
  });
});
