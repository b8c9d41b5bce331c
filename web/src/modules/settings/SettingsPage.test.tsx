import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { InboxForm } from './inboxes/InboxForm';
import { resolveSettingsPath, SECTIONS, SettingsPage } from './SettingsPage';
import { settingsApi } from './settings.api';
import { WebhookForm } from './webhooks/WebhookForm';

const api = settingsApi(1);

describe('settings navigation', () => {
  it('maps /configuracoes/<slug>/… to a section and the rest of the path', () => {
    expect(resolveSettingsPath('/configuracoes').section?.key).toBe('inboxes');
    expect(resolveSettingsPath('/configuracoes/webhooks/3/')).toMatchObject({ rest: ['3'] });
    expect(resolveSettingsPath('/configuracoes/webhooks/3').section?.key).toBe('webhooks');
    expect(resolveSettingsPath('/configuracoes/nada').section).toBeNull();
  });

  it('lists the eleven sections in Portuguese and marks the current one', () => {
    const html = renderToStaticMarkup(<SettingsPage accountId={1} pathname="/configuracoes/marcadores" />);
    for (const name of [
      'Caixas de entrada',
      'Agentes',
      'Times',
      'Marcadores',
      'Tipos de serviço',
      'Respostas prontas',
      'Modelos',
      'Webhooks',
      'Horário e saudação',
      'Horário de silêncio',
      'SMS',
    ]) {
      expect(html).toContain(`>${name}</a>`);
    }
    expect(SECTIONS).toHaveLength(11);
    expect(html).toContain('<a href="/configuracoes/marcadores" aria-current="page">Marcadores</a>');
    expect(html).toContain('role="status">Carregando…');
  });
});

describe('the WhatsApp inbox form', () => {
  it('labels every field and asks for the secrets as passwords', () => {
    const html = renderToStaticMarkup(<InboxForm api={api} onSaved={() => {}} onCancel={() => {}} />);
    for (const label of ['Nome', 'Número de telefone', 'Phone number ID', 'WABA ID', 'Token de acesso', 'App secret']) {
      expect(html).toMatch(new RegExp(`<label for="[^"]+">${label}`));
    }
    expect(html.match(/type="password"/g)).toHaveLength(3);
    expect(html).not.toContain('Deixe em branco');
  });

  it('on edit, shows no secret and says to leave them blank to keep them', () => {
    const inbox = {
      id: 7,
      name: 'Atendimento',
      channel_type: 'Channel::Whatsapp',
      provider: 'whatsapp_cloud',
      phone_number: '+5511987654321',
      enable_auto_assignment: true,
      provider_config: { phone_number_id: '123', business_account_id: '456', webhook_verify_token: 'token-secreto' },
      webhook_url: null,
      reauthorization_required: false,
      reauthorization_required_at: null,
      reauthorization_reason: null,
      templates_synced_at: null,
      templates_sync_error: null,
      created_at: null,
    };
    const html = renderToStaticMarkup(<InboxForm api={api} inbox={inbox} onSaved={() => {}} onCancel={() => {}} />);
    expect(html).toContain('Deixe em branco para manter');
    expect(html).not.toContain('token-secreto');
    expect(html).toContain('value="+5511987654321"');
  });
});

describe('the webhook form', () => {
  it('offers each event as a labelled checkbox with its explanation', () => {
    const html = renderToStaticMarkup(
      <WebhookForm api={api} webhook={null} inboxes={[]} onSaved={() => {}} onCancel={() => {}} />,
    );
    expect(html.match(/type="checkbox"/g)).toHaveLength(7);
    expect(html).toContain('<code>conversation_status_changed</code>');
    expect(html).toContain('Situação da conversa alterada');
    expect(html).toContain('Todas as caixas de entrada');
  });
});
