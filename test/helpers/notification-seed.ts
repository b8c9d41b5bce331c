/**
 * Seeds due notifications the way the rule planner writes them — a row with its key and a
 * `notify.deliver` job at its due time — for people who wrote within the last hour (open window, so the
 * free-text variant goes out). The text ends in `#<notification id>`, so a fake Graph API can tell
 * duplicates and losses apart. Plain SQL: the same on PostgreSQL and PGlite. Used by bench:notify and
 * the crash test.
 */
export type SeedQuery = (text: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

export async function seedDueNotifications(
  query: SeedQuery,
  options: { phoneNumberId: string; count: number; leadMs: number; windowMs: number },
): Promise<void> {
  const inbox = await query('SELECT id FROM inboxes WHERE phone_number_id = $1', [options.phoneNumberId]);
  const inboxId = Number(inbox.rows[0]?.id);
  if (!inboxId) throw new Error('The inbox was not created at start-up');
  const chunk = 10_000;
  for (let start = 0; start < options.count; start += chunk) {
    const end = Math.min(options.count, start + chunk) - 1;
    await query(
      `WITH people AS (
         INSERT INTO contacts (account_id, name, phone_number, phone_key, custom_attributes, additional_attributes)
         SELECT 1, 'Cliente ' || n, '+55119' || lpad((70000000 + n)::text, 8, '0'), '5511' || lpad((70000000 + n)::text, 8, '0'), '{}', '{}'
         FROM generate_series($1::int, $2::int) AS n
         RETURNING id, phone_number
       ), inboxes_of AS (
         INSERT INTO contact_inboxes (account_id, contact_id, inbox_id, source_id)
         SELECT 1, id, $3, substr(phone_number, 2) FROM people
         RETURNING id, contact_id
       )
       INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, contact_inbox_id, status,
                                  custom_attributes, additional_attributes, last_incoming_at, last_activity_at)
       SELECT 1, 1000000 + contact_id, $3, contact_id, id, 'open', '{}', '{}', now(), now() FROM inboxes_of`,
      [start, end, inboxId],
    );
  }
  // Due times count from now, once the slow part is done.
  const firstDue = new Date(Date.now() + options.leadMs);
  await query(
    `INSERT INTO notifications (account_id, key, kind, contact_id, essential, status, due_at)
     SELECT 1, 'seed:' || c.id, 'consent', c.id, true, 'scheduled',
            -- Milliseconds, like a JavaScript Date: the job's dueAt must equal the row's due_at exactly.
            date_trunc('milliseconds', $1::timestamptz + make_interval(secs => (row_number() OVER (ORDER BY c.id) - 1) * $2::float8 / $3::float8))
     FROM contacts c WHERE c.account_id = 1 AND c.name LIKE 'Cliente %'`,
    [firstDue.toISOString(), options.windowMs / 1000, options.count],
  );
  await query(
    `UPDATE notifications SET rendered = jsonb_build_object('content', jsonb_build_object('text', 'Lembrete do seu evento #' || id))
     WHERE key LIKE 'seed:%'`,
  );
  await query(
    `INSERT INTO jobs (account_id, queue, name, payload, idempotency_key, status, max_attempts, run_at)
     SELECT 1, 'notify', 'notify.deliver',
            jsonb_build_object('notificationId', id, 'dueAt', (extract(epoch FROM due_at) * 1000)::bigint),
            'notify:' || id || ':' || (extract(epoch FROM due_at) * 1000)::bigint, 'scheduled', 10, due_at
     FROM notifications WHERE key LIKE 'seed:%'`,
  );
}

/** The notification id a seeded message carries at the end of its text. */
export function seededNotificationId(text: string | undefined): number | null {
  const match = /#(\d+)$/.exec(text ?? '');
  return match ? Number(match[1]) : null;
}
