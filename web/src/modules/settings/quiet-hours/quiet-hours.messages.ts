import { defineMessages } from '../../../shared/i18n';

export const quietHoursMessages = defineMessages({
  'pt-BR': {
    intro:
      'Lembretes e avisos não essenciais que cairiam dentro deste horário saem no fim dele. Ofertas aos prestadores e regras marcadas como essenciais saem na hora.',
    enabled: 'Respeitar o horário de silêncio',
    start: 'Começa às',
    end: 'Termina às',
    crossesMidnight: 'Das {start} de um dia às {end} do dia seguinte (horário de São Paulo).',
    sameDay: 'Das {start} às {end} (horário de São Paulo).',
    sameTimes: 'O início e o fim são iguais: nada fica em silêncio.',
    invalidTime: 'Use o formato HH:mm, ex.: 21:00.',
    saved: 'Horário de silêncio salvo.',
  },
  en: {
    intro:
      'Non-essential reminders and notices that would fall inside this window go out when it ends. Offers to providers and rules marked essential go out at once.',
    enabled: 'Respect the quiet hours',
    start: 'Starts at',
    end: 'Ends at',
    crossesMidnight: 'From {start} to {end} of the next day (São Paulo time).',
    sameDay: 'From {start} to {end} (São Paulo time).',
    sameTimes: 'Start and end are the same: nothing is quiet.',
    invalidTime: 'Use the HH:mm format, e.g. 21:00.',
    saved: 'Quiet hours saved.',
  },
});
