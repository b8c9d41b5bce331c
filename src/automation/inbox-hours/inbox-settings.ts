import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, Inbox } from '../../db/schema.js';
import type { InboxSettingsColumns } from '../../inbox/inboxes.repo.js';
import { normalizeLabels } from '../../inbox/label-titles.js';
import { AppError } from '../../shared/errors.js';
import { MAX_MENU_OPTIONS, type MenuOption } from './greeting-menu.js';
import { isKnownTimeZone, mergeWorkingHours, storedWorkingHours } from './working-hours.js';

const MESSAGE_LIMIT = 1024;

// Types only here: ranges, unknown zones, repeated days and teams of another account are checked by
// `automationChanges` and answered with 422, naming the field.
const WorkingHoursDaySchema = z.object({
  day_of_week: z.number().meta({ description: '0 (domingo) a 6 (sábado)' }),
  closed_all_day: z.boolean().optional(),
  open_all_day: z.boolean().optional(),
  open_hour: z.number().nullable().optional(),
  open_minutes: z.number().nullable().optional(),
  close_hour: z.number().nullable().optional(),
  close_minutes: z.number().nullable().optional(),
});

const MenuOptionSchema = z.strictObject({
  key: z.string().trim().min(1, { error: 'informe a tecla da opção' }).max(10),
  title: z.string().trim().min(1, { error: 'informe o título da opção' }).max(72),
  team_id: z.number().int().positive().nullable().optional(),
  labels: z.array(z.string().max(255)).max(20).optional(),
  reply: z.string().trim().max(MESSAGE_LIMIT).nullable().optional(),
});

/** What inbox create/update accept besides the channel: Chatwoot's business hours and greeting, plus the menu. */
export const InboxAutomationInputSchema = z.object({
  working_hours_enabled: z.boolean().optional(),
  working_hours: z.array(WorkingHoursDaySchema).max(7).optional().meta({
    description: 'Dias a alterar (os demais ficam como estão), como no Chatwoot',
  }),
  out_of_office_message: z.string().trim().max(MESSAGE_LIMIT).nullable().optional(),
  timezone: z.string().trim().max(64).nullable().optional().meta({ description: 'IANA; vazio = APP_TIMEZONE' }),
  greeting_enabled: z.boolean().optional(),
  greeting_message: z.string().trim().max(MESSAGE_LIMIT).nullable().optional(),
  greeting_menu: z.array(MenuOptionSchema).max(MAX_MENU_OPTIONS).optional().meta({
    description: 'Santana: menu enviado com a saudação; a resposta ("1") define time, marcadores e resposta',
  }),
});
export type InboxAutomationInput = z.infer<typeof InboxAutomationInputSchema>;

/** The fields inboxes return (Chatwoot's, plus greeting_menu). */
export const InboxAutomationViewSchema = z.object({
  greeting_enabled: z.boolean(),
  greeting_message: z.string().nullable(),
  working_hours_enabled: z.boolean(),
  working_hours: z.array(
    z.object({
      day_of_week: z.number(),
      closed_all_day: z.boolean(),
      open_all_day: z.boolean(),
      open_hour: z.number().nullable(),
      open_minutes: z.number().nullable(),
      close_hour: z.number().nullable(),
      close_minutes: z.number().nullable(),
    }),
  ),
  out_of_office_message: z.string().nullable(),
  timezone: z.string(),
  greeting_menu: z.array(
    z.object({
      key: z.string(),
      title: z.string(),
      team_id: z.number().nullable(),
      labels: z.array(z.string()),
      reply: z.string().nullable(),
    }),
  ),
});

const AUTOMATION_KEYS = Object.keys(InboxAutomationInputSchema.shape) as Array<keyof InboxAutomationInput>;

/** Whether a create/update body touches business hours or the greeting. */
export const touchesAutomation = (input: object) => AUTOMATION_KEYS.some((key) => key in input);

/** The stored menu, read defensively (it is jsonb). */
export function storedMenu(stored: unknown): MenuOption[] {
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((entry) => {
    const parsed = MenuOptionSchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}

const emptyToNull = (text: string | null | undefined) => (text === undefined ? undefined : text?.trim() || null);

async function checkMenu(db: Kysely<Database>, accountId: number, menu: MenuOption[]): Promise<MenuOption[]> {
  const problems: Array<{ field: string; message: string }> = [];
  const keys = new Set<string>();
  menu.forEach((option, index) => {
    const key = option.key.toLowerCase();
    if (keys.has(key)) problems.push({ field: `greeting_menu.${index}.key`, message: 'tecla repetida' });
    keys.add(key);
  });
  const teamIds = [...new Set(menu.flatMap((option) => (option.team_id ? [option.team_id] : [])))];
  const known =
    teamIds.length === 0
      ? new Set<number>()
      : new Set(
          (
            await db
              .selectFrom('teams')
              .select('id')
              .where('account_id', '=', accountId)
              .where('id', 'in', teamIds)
              .execute()
          ).map((team) => team.id),
        );
  menu.forEach((option, index) => {
    if (option.team_id && !known.has(option.team_id)) {
      problems.push({ field: `greeting_menu.${index}.team_id`, message: 'time desconhecido nesta conta' });
    }
  });
  if (problems.length > 0) throw new AppError('unprocessable', 'Menu de saudação inválido.', problems);
  return menu.map((option) => ({
    key: option.key,
    title: option.title,
    team_id: option.team_id ?? null,
    labels: normalizeLabels(option.labels ?? []),
    reply: option.reply?.trim() || null,
  }));
}

/**
 * The columns to write for what the body changes, validated (422 naming the field): working hours
 * merged day by day into the current ones, a known time zone, teams of this account.
 */
export async function automationChanges(
  db: Kysely<Database>,
  accountId: number,
  current: Pick<Inbox, 'working_hours'> | null,
  input: InboxAutomationInput,
): Promise<InboxSettingsColumns> {
  const timezone = emptyToNull(input.timezone);
  if (timezone && !isKnownTimeZone(timezone)) {
    throw new AppError('unprocessable', `Fuso horário desconhecido: ${timezone}.`, [
      { field: 'timezone', message: 'use um nome IANA, ex.: America/Sao_Paulo' },
    ]);
  }
  const menu = input.greeting_menu === undefined ? undefined : await checkMenu(db, accountId, input.greeting_menu);
  const changes: InboxSettingsColumns = {};
  if (input.working_hours_enabled !== undefined) changes.working_hours_enabled = input.working_hours_enabled;
  if (input.working_hours !== undefined) {
    changes.working_hours = JSON.stringify(mergeWorkingHours(current?.working_hours ?? [], input.working_hours));
  }
  if (input.out_of_office_message !== undefined) {
    changes.out_of_office_message = emptyToNull(input.out_of_office_message);
  }
  if (timezone !== undefined) changes.timezone = timezone;
  if (input.greeting_enabled !== undefined) changes.greeting_enabled = input.greeting_enabled;
  if (input.greeting_message !== undefined) changes.greeting_message = emptyToNull(input.greeting_message);
  if (menu !== undefined) changes.greeting_menu = JSON.stringify(menu);
  return changes;
}

/** The inbox's business hours and greeting as Chatwoot returns them (time zone: the inbox's or APP_TIMEZONE). */
export function automationView(inbox: Inbox, defaultTimeZone: string): z.infer<typeof InboxAutomationViewSchema> {
  return {
    greeting_enabled: inbox.greeting_enabled,
    greeting_message: inbox.greeting_message,
    working_hours_enabled: inbox.working_hours_enabled,
    working_hours: storedWorkingHours(inbox.working_hours),
    out_of_office_message: inbox.out_of_office_message,
    timezone: inbox.timezone ?? defaultTimeZone,
    greeting_menu: storedMenu(inbox.greeting_menu).map((option) => ({
      key: option.key,
      title: option.title,
      team_id: option.team_id ?? null,
      labels: option.labels ?? [],
      reply: option.reply ?? null,
    })),
  };
}
