import { ApiError, apiRequest } from '../../../shared/api-client';
import type { Message } from '../inbox.api';
import type { MessageTemplate } from './templates';

/** The composer's own calls: canned responses, the inbox's templates, and sending files with progress. */

export interface CannedResponse {
  id: number;
  short_code: string;
  content: string;
}

const base = (accountId: number) => `/api/v1/accounts/${accountId}`;

export const searchCannedResponses = (accountId: number, search: string) =>
  apiRequest<CannedResponse[]>('GET', `${base(accountId)}/canned_responses?${new URLSearchParams({ search })}`);

export interface TemplateListing {
  payload: MessageTemplate[];
  synced_at: string | null;
  sync_error: string | null;
}

export const listMessageTemplates = (accountId: number, inboxId: number) =>
  apiRequest<TemplateListing>('GET', `${base(accountId)}/inboxes/${inboxId}/message_templates`);

export interface Upload {
  content: string;
  private: boolean;
  inReplyTo: number | null;
  files: File[];
}

const NETWORK_MESSAGE = 'Não foi possível falar com o servidor. Verifique a conexão e tente de novo.';

function errorFrom(xhr: XMLHttpRequest): ApiError {
  let payload: { error?: string; message?: string } = {};
  try {
    payload = JSON.parse(xhr.responseText || '{}');
  } catch {
    // a proxy's HTML error page: fall back to the status
  }
  if (xhr.status === 413 && !payload.message) {
    return new ApiError(413, 'payload_too_large', 'O arquivo é grande demais para enviar pelo WhatsApp.');
  }
  return new ApiError(
    xhr.status,
    payload.error ?? 'http_error',
    payload.message ?? `O servidor respondeu com erro (${xhr.status}). Tente de novo em instantes.`,
  );
}

/**
 * Sends a message with files as Chatwoot's dashboard does (multipart: content, private,
 * content_attributes as JSON text, files in `attachments[]`). XMLHttpRequest rather than fetch: it
 * reports upload progress, which fetch cannot.
 */
export function uploadMessage(
  accountId: number,
  displayId: number,
  upload: Upload,
  onProgress: (percent: number) => void,
): Promise<Message> {
  const form = new FormData();
  if (upload.content) form.append('content', upload.content);
  form.append('private', String(upload.private));
  if (upload.inReplyTo) form.append('content_attributes', JSON.stringify({ in_reply_to: upload.inReplyTo }));
  for (const file of upload.files) form.append('attachments[]', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${base(accountId)}/conversations/${displayId}/messages`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    // Every byte sent: the bar shows 100% while the server stores the files (a small file may send no
    // progress event at all before this one).
    xhr.upload.onload = () => onProgress(100);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        try {
          resolve(JSON.parse(xhr.responseText) as Message);
        } catch {
          reject(new ApiError(xhr.status, 'invalid_response', 'O servidor respondeu de um jeito inesperado.'));
        }
      } else reject(errorFrom(xhr));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', NETWORK_MESSAGE));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Envio cancelado.'));
    xhr.send(form);
  });
}
