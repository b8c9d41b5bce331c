import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { BusinessHoursForm } from './business-hours/BusinessHoursSection';
import { invalidDays, parseTime, timeOf, weekOf } from './business-hours/working-hours';
import { QuietHoursForm } from './quiet-hours/QuietHoursSection';
import { type Inbox, settingsApi } from './settings.api';
import { SmsForm, smsInputOf } from './sms/SmsSection';

const api = settingsApi(1);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const inbox: Inbox = {
  id: 1,
  name: 'Atendimento',
  channel_type: 'Channel::Whatsapp',
  provider: 'whatsapp_cloud',
  phone_number: '+5511987654321',
  enable_auto_assignment: true,
  provider_config: null,
  webhook_url: null,
  reauthorization_required: false,
  reauthorization_required_at: null,
  reauthorization_reason: null,
  templates_synced_at: null,
  templates_sync_error: null,
  created_at: null,
  working_hours_enabled: true,
  working_hours: [
    {
      day_of_week: 1,
      closed_all_day: false,
      open_all_day: false,
      open_hour: 9,
      open_minutes: 0,
      close_hour: 18,
      close_minutes: 30,
    },
  ],
  out_of_office_message: 'Estamos fora do horário.',
  timezone: 'America/Sao_Paulo',
  greeting_enabled: true,
  greeting_message: 'Olá! Como podemos ajudar?',
  greeting_menu: [{ key: '1', title: 'Orçamento de evento', team_id: 2, labels: ['orcamento'], reply: null }],
};

describe('quiet hours', () => {
  it('says in words what the window means', () => {
    const html = renderToStaticMarkup(
      <QuietHoursForm api={api} initial={{ enabled: true, start: '21:00', end: '08:00' }} />,
    );
    expect(html).toContain('value="21:00"');
    expect(text(html)).toContain('Das 21:00 de um dia às 08:00 do dia seguinte (horário de São Paulo).');
    expect(text(html)).toContain('Respeitar o horário de silêncio');
  });

  it('shows the API error beside the time it names', () => {
    const html = renderToStaticMarkup(
      <QuietHoursForm
        api={api}
        initial={{ enabled: true, start: '12:00', end: '14:00' }}
        initialErrors={{ end: 'use HH:mm' }}
      />,
    );
    expect(text(html)).toContain('Das 12:00 às 14:00');
    expect(text(html)).toContain('use HH:mm');
    expect(html).toContain('aria-invalid="true"');
  });
});

describe('the SMS provider', () => {
  it('sends credentials only when typed', () => {
    const blank = { provider: 'twilio', sender: ' +5511999990000 ', account_sid: '', auth_token: '', api_token: '' };
    expect(smsInputOf(blank)).toEqual({ provider: 'twilio', sender: '+5511999990000' });
    expect(smsInputOf({ ...blank, provider: 'zenvia', api_token: 'tok-123456' })).toEqual({
      provider: 'zenvia',
      sender: '+5511999990000',
      credentials: { api_token: 'tok-123456' },
    });
    expect(smsInputOf({ ...blank, provider: '' })).toBeNull();
  });

  it('never shows a secret, asks for it as a password, and gives the status URL', () => {
    const html = renderToStaticMarkup(
      <SmsForm
        api={api}
        settings={{
          provider: 'twilio',
          sender: '+5511999990000',
          configured: true,
          status_callback_url: 'https://santana.example/webhooks/sms/twilio/1',
        }}
        initialErrors={{ account_sid: 'o Account SID começa com AC' }}
      />,
    );
    expect(html.match(/type="password"/g)).toHaveLength(1);
    expect(text(html)).toContain('Deixe em branco para manter o que está salvo.');
    expect(text(html)).toContain('Credenciais salvas e legíveis.');
    expect(html).toContain('value="https://santana.example/webhooks/sms/twilio/1"');
    expect(text(html)).toContain('o Account SID começa com AC');
  });
});

describe('business hours and greeting', () => {
  it('reads and writes times as the inputs show them', () => {
    expect(timeOf(9, 5)).toBe('09:05');
    expect(timeOf(null, null)).toBe('');
    expect(parseTime('18:30')).toEqual({ hour: 18, minutes: 30 });
    expect(parseTime('25:00')).toBeNull();
    const week = weekOf(inbox.working_hours);
    expect(week).toHaveLength(7);
    expect(week[0]?.closed_all_day).toBe(true);
    expect(invalidDays(week)).toEqual([]);
    expect(invalidDays([{ ...(week[1] as (typeof week)[number]), close_hour: 8 }])).toEqual([1]);
  });

  it('renders every weekday, the out-of-office reply and the greeting menu', () => {
    const html = renderToStaticMarkup(
      <BusinessHoursForm
        api={api}
        inbox={inbox}
        teams={[{ id: 2, name: 'Comercial', description: '', allow_auto_assign: true }]}
        onSaved={() => {}}
        initialErrors={{ 'greeting_menu.0.key': 'tecla repetida' }}
      />,
    );
    for (const day of ['Domingo', 'Segunda', 'Terça', 'Quarta', 'Quinta', 'Sexta', 'Sábado']) {
      expect(text(html)).toContain(day);
    }
    expect(html).toContain('aria-label="Segunda: abre às"');
    expect(html).toContain('value="18:30"');
    expect(text(html)).toContain('Estamos fora do horário.');
    expect(html).toContain('value="Orçamento de evento"');
    expect(html).toContain('<option value="2" selected="">Comercial</option>');
    expect(text(html)).toContain('tecla repetida');
  });
});
