import type { BusinessEvent } from '../../business-events.js';
import type { AutomationEvent } from '../rule-catalog.js';

/**
 * The automation events a recorded business event stands for. A status change is also an update, as
 * in Chatwoot; the first message of a conversation is both conversation_created and message_created.
 */
export function automationEventsFor(event: Pick<BusinessEvent, 'name' | 'data'>): AutomationEvent[] {
  switch (event.name) {
    case 'message.incoming':
      return event.data.conversation_created === true
        ? ['conversation_created', 'message_created']
        : ['message_created'];
    case 'conversation.status_changed': {
      const status = event.data.status;
      return [
        'conversation_updated',
        ...(status === 'open' ? (['conversation_opened'] as const) : []),
        ...(status === 'resolved' ? (['conversation_resolved'] as const) : []),
      ];
    }
    case 'conversation.updated':
      return ['conversation_updated'];
    case 'event.created':
      return ['event_created'];
    case 'event.updated':
      return ['event_updated'];
    case 'assignment.accepted':
    case 'assignment.declined':
      return ['assignment_responded'];
    case 'notification.failed':
      return ['notification_failed'];
    default:
      return [];
  }
}
