import { apiRequest } from '../../shared/api-client';

export interface SimulatorPhone {
  wa_id: string;
  name: string;
}

export interface TemplateComponent {
  type: string;
  text?: string;
  format?: string;
  buttons?: ReadonlyArray<{ type: string; text: string }>;
}

export interface SimulatorState {
  inbox: { id: number; name: string; display_phone_number: string };
  phones: SimulatorPhone[];
  templates: Array<{ name: string; language: string; category: string; components: TemplateComponent[] }>;
}

/** What was exchanged, in WhatsApp's own shapes (a webhook item or a Graph API send request). */
export interface SimulatorPayload {
  type?: string;
  text?: { body?: string };
  image?: { id?: string; caption?: string };
  sticker?: { id?: string };
  audio?: { id?: string };
  video?: { id?: string; caption?: string };
  document?: { id?: string; caption?: string; filename?: string };
  reaction?: { message_id?: string; emoji?: string };
  button?: { text?: string };
  interactive?: {
    type?: string;
    header?: { text?: string };
    body?: { text?: string };
    footer?: { text?: string };
    button_reply?: { title?: string };
    list_reply?: { title?: string };
    action?: {
      buttons?: Array<{ reply: { id: string; title: string } }>;
      sections?: Array<{ rows: Array<{ id: string; title: string; description?: string }> }>;
    };
  };
  template?: { name?: string; components?: Array<{ type: string; parameters?: Array<{ text?: string }> }> };
}

export interface SimulatorMessage {
  id: number;
  wamid: string;
  direction: 'to_business' | 'to_phone';
  status: 'sent' | 'delivered' | 'read' | 'failed';
  payload: SimulatorPayload;
  created_at: string;
}

export const fetchState = () => apiRequest<SimulatorState>('GET', '/simulator/api/state');
export const createPhone = (name: string, waId?: string) =>
  apiRequest<SimulatorPhone>('POST', '/simulator/api/phones', { name, ...(waId ? { wa_id: waId } : {}) });
export const fetchMessages = (waId: string) =>
  apiRequest<{ payload: SimulatorMessage[] }>('GET', `/simulator/api/phones/${waId}/messages`).then(
    (response) => response.payload,
  );
export const sendFromPhone = (waId: string, body: Record<string, unknown>) =>
  apiRequest<{ wamid: string }>('POST', `/simulator/api/phones/${waId}/messages`, body);
/** Where the page loads a message's media from (sent or received by this phone). */
export const mediaUrl = (waId: string, mediaId: string) => `/simulator/api/phones/${waId}/media/${mediaId}`;
export const markRead = (waId: string) => apiRequest<{ read: number }>('POST', `/simulator/api/phones/${waId}/read`);
export const injectFailure = (waId: string, code: number) =>
  apiRequest('POST', '/simulator/api/failures', { wa_id: waId, code });
