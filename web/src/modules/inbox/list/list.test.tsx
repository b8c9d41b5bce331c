import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../../shared/i18n';
import type { Conversation, ConversationQuery } from '../inbox.api';
import { inboxMessages } from '../inbox.messages';
import { createEventResolver } from '../inbox-events';
import type { InboxT } from '../messages/message-kinds';
import { ConversationRow } from './ConversationRow';
import { upsertConversation } from './list-state';
import { VirtualList } from './VirtualList';

const t: InboxT = (key, vars) => interpolate(inboxMessages['pt-BR'][key], vars);
const ME = 7;

function conversation(id: number, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id,
    account_id: 1,
    inbox_id: 1,
    status: 'open',
    priority: null,
    assignee_id: null,
    team_id: null,
    labels: [],
    can_reply: true,
    window_closes_at: '2026-03-12T12:00:00.000Z',
    snoozed_until: null,
    unread_count: 0,
    agent_last_seen_at: null,
    waiting_since: null,
    last_activity_at: 1_000 + id,
    created_at: 1_000,
    custom_attributes: {},
    additional_attributes: {},
    last_non_activity_message: null,
    meta: {
      sender: {
        id: id * 10,
        name: `Cliente ${id}`,
        email: null,
        phone_number: '+5511987654321',
        identifier: null,
        thumbnail: '',
        additional_attributes: {},
        custom_attributes: {},
        last_activity_at: null,
        created_at: null,
      },
      assignee: null,
      team: null,
      channel: 'Channel::Whatsapp',
    },
    ...overrides,
  };
}

const unassignedOpen: ConversationQuery = { status: 'open', assignee_type: 'unassigned' };
const ids = (items: Conversation[]) => items.map((item) => item.id);

describe('upsertConversation', () => {
  const list = { items: [conversation(3), conversation(2), conversation(1)], hasMore: false };

  it('moves a conversation with new activity to the top', () => {
    const items = upsertConversation(list, conversation(1, { last_activity_at: 5_000 }), unassignedOpen, ME);
    expect(ids(items)).toEqual([1, 3, 2]);
  });

  it('adds a new conversation in its place', () => {
    expect(ids(upsertConversation(list, conversation(9), unassignedOpen, ME))).toEqual([9, 3, 2, 1]);
  });

  it('removes a conversation that no longer matches the tab (assigned to someone)', () => {
    const items = upsertConversation(list, conversation(2, { assignee_id: ME }), unassignedOpen, ME);
    expect(ids(items)).toEqual([3, 1]);
  });

  it('removes a resolved conversation from the open filter', () => {
    expect(ids(upsertConversation(list, conversation(3, { status: 'resolved' }), unassignedOpen, ME))).toEqual([2, 1]);
  });

  it('leaves an older conversation for its page when more pages are on the server', () => {
    const old = conversation(0, { last_activity_at: 10 });
    expect(ids(upsertConversation({ ...list, hasMore: true }, old, unassignedOpen, ME))).toEqual([3, 2, 1]);
    expect(ids(upsertConversation(list, old, unassignedOpen, ME))).toEqual([3, 2, 1, 0]);
  });

  it('does not add a conversation to search results only the server can match', () => {
    expect(ids(upsertConversation(list, conversation(9), { ...unassignedOpen, q: 'bolo' }, ME))).toEqual([3, 2, 1]);
  });
});

describe('ConversationRow', () => {
  it('shows the contact, the preview, unread count, assignee, labels and a closed window', () => {
    const html = renderToStaticMarkup(
      <ConversationRow
        t={t}
        active={false}
        conversation={conversation(4, {
          unread_count: 2,
          can_reply: false,
          labels: ['vip'],
          last_non_activity_message: {
            id: 1,
            content: '<b>oi</b>',
            conversation_id: 4,
            inbox_id: 1,
            message_type: 0,
            content_type: 'text',
            content_attributes: {},
            created_at: 1,
            updated_at: null,
            private: false,
            status: 'sent',
            whatsapp_status: 'received',
            source_id: null,
            sender_type: 'Contact',
            sender_id: 40,
            sender: null,
            attachments: [],
            reactions: [],
            error: null,
          },
        })}
      />,
    );
    expect(html).toContain('href="/conversas/4"');
    expect(html).toContain('Cliente 4');
    expect(html).toContain('&lt;b&gt;oi&lt;/b&gt;');
    expect(html).toContain('2 não lidas');
    expect(html).toContain('Sem responsável');
    expect(html).toContain('vip');
    expect(html).toContain('janela fechada');
  });

  it('does not call the window closed when the contact never wrote', () => {
    const html = renderToStaticMarkup(
      <ConversationRow t={t} active conversation={conversation(5, { can_reply: false, window_closes_at: null })} />,
    );
    expect(html).not.toContain('janela fechada');
    expect(html).toContain('aria-current="true"');
  });
});

describe('VirtualList', () => {
  it('renders only the rows near the viewport of 10,000', () => {
    const html = renderToStaticMarkup(
      <VirtualList
        count={10_000}
        rowHeight={92}
        initialHeight={800}
        label="Conversas"
        rowKey={(index) => index}
        renderRow={(index) => <span>linha {index}</span>}
      />,
    );
    const rows = html.match(/class="vlist-row"/g) ?? [];
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(30);
    expect(html).toContain('height:920000px');
    expect(html).toContain('aria-setsize="10000"');
  });
});

describe('createEventResolver', () => {
  it('learns display ids from events that carry them, for status updates that do not', () => {
    const resolve = createEventResolver();
    expect(
      resolve({ event: 'message.created', account_id: 1, data: { id: 50, conversation_id: 900, display_id: 12 } }),
    ).toMatchObject({ displayId: 12, targetId: 50 });
    expect(resolve({ event: 'message.updated', account_id: 1, data: { id: 50, conversation_id: 900 } })).toMatchObject({
      displayId: 12,
      targetId: 50,
    });
    expect(resolve({ event: 'conversation.updated', account_id: 1, data: { id: 901, display_id: 13 } })).toMatchObject({
      displayId: 13,
      targetId: undefined,
    });
  });
});
