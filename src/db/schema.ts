import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps default in SQL; rows read them as Date. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string, string>;
/** A jsonb column with a SQL default: optional on insert. */
type JsonWithDefault<T = unknown> = ColumnType<T, string | undefined, string>;

export type Role = 'administrator' | 'agent';
export type Availability = 'available' | 'busy' | 'offline';
export type JobStatus = 'scheduled' | 'queued' | 'running' | 'done' | 'dead';

export interface AccountsTable {
  id: Generated<number>;
  name: string;
  locale: Generated<string>;
  last_conversation_display_id: Generated<number>;
  /** {quiet_hours?: {enabled, start: "HH:mm", end: "HH:mm"}} */
  notification_settings: JsonWithDefault<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  display_name: string | null;
  email: string;
  password_hash: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AccountUsersTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  role: Role;
  availability: Generated<Availability>;
  auto_offline: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
  last_seen_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface AccessTokensTable {
  id: Generated<number>;
  user_id: number;
  session_id: number | null;
  name: string;
  token_hash: string;
  token_hint: string;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface PasswordTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: 'invitation' | 'reset';
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  account_id: number | null;
  actor_user_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface JobsTable {
  id: Generated<number>;
  account_id: number | null;
  queue: Generated<string>;
  name: string;
  payload: Json;
  idempotency_key: string | null;
  status: JobStatus;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_at: CreatedAt;
  locked_until: NullableTimestamp;
  locked_by: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  finished_at: NullableTimestamp;
}

export type ChannelType = 'whatsapp_cloud' | 'api';
export type ConversationStatus = 'open' | 'pending' | 'resolved' | 'snoozed';
export type Priority = 'low' | 'medium' | 'high' | 'urgent';
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';
/** Chatwoot's numbering: 0 incoming, 1 outgoing, 2 activity, 3 template. */
export type MessageType = 0 | 1 | 2 | 3;
export type FileType = 'image' | 'audio' | 'video' | 'file' | 'sticker';

export interface InboxesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  channel_type: ChannelType;
  phone_number: string | null;
  phone_number_id: string | null;
  business_account_id: string | null;
  credentials: string | null;
  reauthorization_required_at: NullableTimestamp;
  reauthorization_reason: string | null;
  enable_auto_assignment: Generated<boolean>;
  templates_synced_at: NullableTimestamp;
  templates_sync_error: string | null;
  working_hours_enabled: Generated<boolean>;
  working_hours: JsonWithDefault<unknown[]>;
  out_of_office_message: string | null;
  timezone: string | null;
  greeting_enabled: Generated<boolean>;
  greeting_message: string | null;
  greeting_menu: JsonWithDefault<unknown[]>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface InboxMembersTable {
  inbox_id: number;
  user_id: number;
  account_id: number;
  last_assigned_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface ContactsTable {
  id: Generated<number>;
  account_id: number;
  name: Generated<string>;
  name_source: Generated<'profile' | 'agent'>;
  email: string | null;
  phone_number: string | null;
  phone_key: string | null;
  identifier: string | null;
  bsuid: string | null;
  parent_bsuid: string | null;
  custom_attributes: Json<Record<string, unknown>>;
  additional_attributes: Json<Record<string, unknown>>;
  labels: Generated<string[]>;
  document: string | null;
  document_kind: 'cpf' | 'cnpj' | null;
  last_activity_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ContactInboxesTable {
  id: Generated<number>;
  account_id: number;
  contact_id: number;
  inbox_id: number;
  source_id: string;
  created_at: CreatedAt;
}

export interface TeamsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  description: Generated<string>;
  allow_auto_assign: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ConversationsTable {
  id: Generated<number>;
  account_id: number;
  display_id: number;
  inbox_id: number;
  contact_id: number;
  contact_inbox_id: number;
  status: Generated<ConversationStatus>;
  snoozed_until: NullableTimestamp;
  assignee_id: number | null;
  team_id: number | null;
  priority: Priority | null;
  custom_attributes: Json<Record<string, unknown>>;
  additional_attributes: Json<Record<string, unknown>>;
  labels: Generated<string[]>;
  last_incoming_at: NullableTimestamp;
  last_activity_at: CreatedAt;
  waiting_since: NullableTimestamp;
  first_reply_created_at: NullableTimestamp;
  agent_last_seen_at: NullableTimestamp;
  contact_last_seen_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface MessagesTable {
  id: Generated<number>;
  account_id: number;
  inbox_id: number;
  conversation_id: number;
  message_type: MessageType;
  content_type: Generated<string>;
  content: string | null;
  content_attributes: Json<Record<string, unknown>>;
  private: Generated<boolean>;
  status: Generated<MessageStatus>;
  status_at: NullableTimestamp;
  source_id: string | null;
  error_code: string | null;
  error_title: string | null;
  error_details: string | null;
  sender_type: 'contact' | 'user' | 'system' | null;
  sender_id: number | null;
  in_reply_to_source_id: string | null;
  sent_at: CreatedAt;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  deleted_at: NullableTimestamp;
}

export interface AttachmentsTable {
  id: Generated<number>;
  account_id: number;
  message_id: number;
  file_type: FileType;
  external_media_id: string | null;
  mime_type: string | null;
  file_name: string | null;
  file_size: number | null;
  sha256: string | null;
  storage_key: string | null;
  status: Generated<'pending' | 'ready' | 'failed'>;
  error: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface MessageReactionsTable {
  id: Generated<number>;
  account_id: number;
  inbox_id: number;
  target_source_id: string;
  reactor_type: 'contact' | 'user';
  reactor_id: number;
  emoji: string;
  reacted_at: Timestamp;
}

export interface PendingStatusesTable {
  id: Generated<number>;
  inbox_id: number;
  source_id: string;
  status: string;
  status_at: Timestamp;
  payload: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

/** An SMS status callback that came before the send stored the gateway's id (applied when it is). */
export interface SmsPendingStatusesTable {
  id: Generated<number>;
  account_id: number;
  provider: SmsProviderName;
  provider_id: string;
  status: 'sent' | 'delivered' | 'failed';
  error_code: string | null;
  provider_reason: string | null;
  received_at: CreatedAt;
}

export interface RawWebhooksTable {
  id: Generated<number>;
  provider: string;
  body_sha256: string;
  body: string;
  inbox_id: number | null;
  account_id: number | null;
  unroutable: Generated<boolean>;
  received_at: CreatedAt;
  processed_at: NullableTimestamp;
  error: string | null;
}

export interface ChannelEventsTable {
  id: Generated<number>;
  account_id: number | null;
  inbox_id: number | null;
  raw_webhook_id: number | null;
  kind: string;
  payload: Json<Record<string, unknown>>;
  dedupe_key: string | null;
  created_at: CreatedAt;
}

export interface SimulatorPhonesTable {
  inbox_id: number;
  wa_id: string;
  name: string;
  created_at: CreatedAt;
}

export interface SimulatorSmsTable {
  id: Generated<number>;
  account_id: number;
  sid: string;
  to_number: string;
  sender: string | null;
  body: string;
  status: Generated<'sent' | 'delivered' | 'failed'>;
  created_at: CreatedAt;
}

export interface SimulatorMessagesTable {
  id: Generated<number>;
  inbox_id: number;
  wa_id: string;
  direction: 'to_business' | 'to_phone';
  wamid: string;
  payload: Json<Record<string, unknown>>;
  status: Generated<'sent' | 'delivered' | 'read' | 'failed'>;
  created_at: CreatedAt;
}

export interface LabelsTable {
  id: Generated<number>;
  account_id: number;
  title: string;
  description: Generated<string>;
  color: Generated<string>;
  show_on_sidebar: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface TeamMembersTable {
  team_id: number;
  user_id: number;
  account_id: number;
  created_at: CreatedAt;
}

export interface CannedResponsesTable {
  id: Generated<number>;
  account_id: number;
  short_code: string;
  content: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface MessageTemplatesTable {
  id: Generated<number>;
  account_id: number;
  inbox_id: number;
  external_id: string | null;
  name: string;
  language: string;
  status: string;
  category: string | null;
  parameter_format: string | null;
  components: Json<unknown[]>;
  synced_at: CreatedAt;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface WebhooksTable {
  id: Generated<number>;
  account_id: number;
  inbox_id: number | null;
  name: Generated<string>;
  url: string;
  subscriptions: string[];
  secret: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  account_id: number;
  webhook_id: number;
  event: string;
  dedupe_key: string;
  delivery_id: string;
  payload: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  last_attempt_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface ServiceTypesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ClientsTable {
  id: Generated<number>;
  account_id: number;
  contact_id: number;
  address: Json<Record<string, unknown>>;
  notes: Generated<string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ProvidersTable {
  id: Generated<number>;
  account_id: number;
  contact_id: number;
  regions: Generated<string[]>;
  active: Generated<boolean>;
  /** numeric(3,2): pg returns it as a string. */
  rating: string | null;
  notes: Generated<string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ProviderServicesTable {
  provider_id: number;
  service_type_id: number;
  account_id: number;
}

export type EventStatus = 'scheduled' | 'confirmed' | 'done' | 'cancelled';

export interface EventsTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  service_type_id: number | null;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  location: Json<Record<string, unknown>>;
  value_cents: number | null;
  notes: Generated<string>;
  status: Generated<EventStatus>;
  conversation_id: number | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface EventStaffingTable {
  id: Generated<number>;
  account_id: number;
  event_id: number;
  service_type_id: number;
  quantity: number;
}

export type AssignmentStatus = 'assigned' | 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn' | 'cancelled';

export interface AssignmentsTable {
  id: Generated<number>;
  account_id: number;
  event_id: number;
  provider_id: number;
  service_type_id: number;
  status: AssignmentStatus;
  starts_at: Timestamp;
  ends_at: Timestamp;
  offered_at: NullableTimestamp;
  responded_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  dispatch_id: number | null;
  offer_token: string | null;
  response_source: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface PipelineStagesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  position: number;
  probability: Generated<number>;
  is_won: Generated<boolean>;
  is_lost: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type DealStatus = 'open' | 'won' | 'lost';

export interface DealsTable {
  id: Generated<number>;
  account_id: number;
  title: string;
  contact_id: number;
  stage_id: number;
  value_cents: number | null;
  /** date: kept as 'YYYY-MM-DD' text by the query layer. */
  expected_close_on: ColumnType<Date | string | null, string | null | undefined, string | null>;
  owner_id: number | null;
  conversation_id: number | null;
  event_id: number | null;
  status: Generated<DealStatus>;
  lost_reason: string | null;
  closed_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface DealStageChangesTable {
  id: Generated<number>;
  account_id: number;
  deal_id: number;
  from_stage_id: number | null;
  to_stage_id: number | null;
  user_id: number | null;
  created_at: CreatedAt;
}

export type ActivityKind = 'call' | 'meeting' | 'task' | 'whatsapp';

export interface ActivitiesTable {
  id: Generated<number>;
  account_id: number;
  kind: ActivityKind;
  title: string;
  notes: Generated<string>;
  due_at: NullableTimestamp;
  assignee_id: number | null;
  contact_id: number | null;
  deal_id: number | null;
  event_id: number | null;
  done_at: NullableTimestamp;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ContactNotesTable {
  id: Generated<number>;
  account_id: number;
  contact_id: number;
  user_id: number | null;
  content: string;
  created_at: CreatedAt;
}

export type ConsentPurpose = 'marketing' | 'notifications';
export type ConsentStatus = 'opted_in' | 'opted_out';

export interface ContactConsentsTable {
  account_id: number;
  contact_id: number;
  purpose: ConsentPurpose;
  status: ConsentStatus;
  source: string;
  details: JsonWithDefault<Record<string, unknown>>;
  at: CreatedAt;
}

export type SmsProviderName = 'twilio' | 'zenvia' | 'simulator';

export interface SmsSettingsTable {
  account_id: number;
  provider: SmsProviderName;
  sender: string | null;
  credentials: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type NotificationCategory = 'utility' | 'marketing';

export interface NotificationTemplatesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  category: NotificationCategory;
  whatsapp: Json<Record<string, unknown>> | null;
  text: string | null;
  sms: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type NotificationAudience = 'client' | 'providers' | 'client_and_providers';

export interface NotificationRulesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  trigger: string;
  offset_minutes: Generated<number>;
  audience: NotificationAudience;
  template_id: number | null;
  essential: Generated<boolean>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type DispatchStrategy = 'broadcast' | 'sequential';
export type DispatchStatus = 'running' | 'completed' | 'exhausted' | 'cancelled';

export interface DispatchesTable {
  id: Generated<number>;
  account_id: number;
  event_id: number;
  service_type_id: number;
  strategy: DispatchStrategy;
  status: Generated<DispatchStatus>;
  offer_ttl_minutes: Generated<number>;
  candidates: number[] | null;
  fanout: number | null;
  pay_cents: number | null;
  created_by: number | null;
  finished_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface BroadcastsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  label: string;
  template_id: number;
  status: Generated<'scheduled' | 'running' | 'done' | 'cancelled'>;
  scheduled_at: CreatedAt;
  created_by: number | null;
  recipients: number | null;
  excluded: number | null;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  reason: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type NotificationStatus =
  | 'scheduled'
  | 'queued'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'failed'
  | 'cancelled'
  | 'skipped';
export type NotificationKind = 'rule' | 'offer' | 'offer_reply' | 'broadcast' | 'consent';

export interface NotificationsTable {
  id: Generated<number>;
  account_id: number;
  key: string;
  kind: Generated<NotificationKind>;
  rule_id: number | null;
  template_id: number | null;
  event_id: number | null;
  assignment_id: number | null;
  dispatch_id: number | null;
  broadcast_id: number | null;
  contact_id: number;
  category: Generated<NotificationCategory>;
  essential: Generated<boolean>;
  channel: 'whatsapp' | 'sms' | null;
  status: Generated<NotificationStatus>;
  due_at: Timestamp;
  original_due_at: NullableTimestamp;
  sent_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  read_at: NullableTimestamp;
  lateness_ms: number | null;
  reason: string | null;
  error_code: string | null;
  message_id: number | null;
  sms_provider: string | null;
  sms_provider_id: string | null;
  rendered: Json<Record<string, unknown>> | null;
  attempts: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AutomationRulesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  description: Generated<string>;
  event_name: string;
  conditions: Json<unknown[]>;
  actions: Json<unknown[]>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AutomationRunsTable {
  id: Generated<number>;
  account_id: number;
  rule_id: number;
  event_name: string;
  status: 'running' | 'success' | 'error' | 'skipped';
  context: Json<Record<string, unknown>>;
  actions: Json<unknown[]>;
  error: string | null;
  created_at: CreatedAt;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  account_users: AccountUsersTable;
  sessions: SessionsTable;
  access_tokens: AccessTokensTable;
  password_tokens: PasswordTokensTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
  inboxes: InboxesTable;
  inbox_members: InboxMembersTable;
  contacts: ContactsTable;
  contact_inboxes: ContactInboxesTable;
  teams: TeamsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  attachments: AttachmentsTable;
  message_reactions: MessageReactionsTable;
  pending_statuses: PendingStatusesTable;
  sms_pending_statuses: SmsPendingStatusesTable;
  raw_webhooks: RawWebhooksTable;
  channel_events: ChannelEventsTable;
  simulator_phones: SimulatorPhonesTable;
  simulator_messages: SimulatorMessagesTable;
  simulator_sms: SimulatorSmsTable;
  labels: LabelsTable;
  team_members: TeamMembersTable;
  canned_responses: CannedResponsesTable;
  message_templates: MessageTemplatesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  service_types: ServiceTypesTable;
  clients: ClientsTable;
  providers: ProvidersTable;
  provider_services: ProviderServicesTable;
  events: EventsTable;
  event_staffing: EventStaffingTable;
  assignments: AssignmentsTable;
  pipeline_stages: PipelineStagesTable;
  deals: DealsTable;
  deal_stage_changes: DealStageChangesTable;
  activities: ActivitiesTable;
  contact_notes: ContactNotesTable;
  contact_consents: ContactConsentsTable;
  sms_settings: SmsSettingsTable;
  notification_templates: NotificationTemplatesTable;
  notification_rules: NotificationRulesTable;
  dispatches: DispatchesTable;
  broadcasts: BroadcastsTable;
  notifications: NotificationsTable;
  automation_rules: AutomationRulesTable;
  automation_runs: AutomationRunsTable;
}

export type Account = Selectable<AccountsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type AccountUser = Selectable<AccountUsersTable>;
export type Session = Selectable<SessionsTable>;
export type AccessToken = Selectable<AccessTokensTable>;
export type Job = Selectable<JobsTable>;
export type Inbox = Selectable<InboxesTable>;
export type Contact = Selectable<ContactsTable>;
export type Conversation = Selectable<ConversationsTable>;
export type Message = Selectable<MessagesTable>;
export type Attachment = Selectable<AttachmentsTable>;
export type NotificationTemplate = Selectable<NotificationTemplatesTable>;
export type NotificationRule = Selectable<NotificationRulesTable>;
export type Notification = Selectable<NotificationsTable>;
export type Dispatch = Selectable<DispatchesTable>;
export type AutomationRule = Selectable<AutomationRulesTable>;
