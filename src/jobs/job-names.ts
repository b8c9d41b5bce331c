/**
 * Every job the product knows. The registry refuses to start unless each name has exactly one
 * definition, so a job cannot be enqueued for a handler that does not exist.
 */
export const JOB_NAMES = [
  'system.probe',
  'whatsapp.process_webhook',
  'whatsapp.download_media',
  'whatsapp.send_message',
  'whatsapp.send_reaction',
  'whatsapp.mark_read',
  'whatsapp.sync_templates',
  'webhooks.deliver',
  'conversation.wake_snoozed',
  'business_events.handle',
  'dispatch.expire_offer',
  'notify.deliver',
  'broadcast.run',
  'sms.send',
  'attachments.remove_files',
  'privacy.erase_person_data',
  'privacy.prune_expired',
] as const;

export type JobName = (typeof JOB_NAMES)[number];
