import {
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type SyntheticEvent,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { flushSync } from 'react-dom';
import { useI18n, useModuleMessages } from '../../../shared/i18n';
import { type Conversation, type Message, sendMessage } from '../inbox.api';
import { AttachmentChips, UploadProgress } from './AttachmentChips';
import { CannedSuggestions, useCannedSuggestions } from './CannedSuggestions';
import { ComposerToolbar } from './ComposerToolbar';
import { applyCanned, insertAt } from './canned-trigger';
import { type CannedResponse, uploadMessage } from './composer.api';
import { composerMessages } from './composer.messages';
import type { PendingMessage, SettledResult } from './composer.types';
import { clearSentDraft, draftKey, loadDraft, saveDraft } from './drafts';
import { addFiles, MAX_FILES } from './files';
import { quotedAuthor, ReplyQuote } from './ReplyQuote';
import { TemplatePicker } from './TemplatePicker';
import type { TemplateParams } from './templates';
import { useFileDrop } from './use-file-drop';
import { useSender } from './use-sender';
import './composer.css';

export type { PendingMessage } from './composer.types';

export interface ComposerProps {
  accountId: number;
  conversation: Conversation;
  /** The message being answered (quoted on WhatsApp), or null. */
  replyTo: Message | null;
  onCancelReply(): void;
  /** Optimistic sending: show the message now… */
  onPending(message: PendingMessage): void;
  /** …then replace it with the stored one, or mark it failed (with a retry). */
  onSettled(tempId: string, result: SettledResult): void;
}

type Mode = 'reply' | 'note';

/** The reply box under a conversation (text, notes, canned responses, emoji, attachments, templates). */
export function Composer(props: ComposerProps) {
  const { accountId, conversation, replyTo, onCancelReply } = props;
  const t = useModuleMessages(composerMessages);
  const { locale } = useI18n();
  const key = draftKey(accountId, conversation.id);
  const [draftFor, setDraftFor] = useState(key);
  const [text, setText] = useState(() => loadDraft(key));
  const [mode, setMode] = useState<Mode>('reply');
  const [files, setFiles] = useState<File[]>([]);
  const [upload, setUpload] = useState<{ names: string; percent: number } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const textbox = useRef<HTMLTextAreaElement>(null);
  const selection = useRef({ start: 0, end: 0 });
  const caretAfterRender = useRef<number | null>(null);
  const suggestions = useCannedSuggestions(accountId);
  const { send, sending } = useSender(props, t('genericError'));
  const listId = useId();

  // Another conversation in the same composer: its own draft, a fresh state.
  if (draftFor !== key) {
    setDraftFor(key);
    setText(loadDraft(key));
    setFiles([]);
    setMode('reply');
    setNotice(null);
    suggestions.reset();
  }

  const windowClosed = !conversation.can_reply;
  const showTemplates = windowClosed && mode === 'reply';
  const canSend = text.trim() !== '' || files.length > 0;
  const { dragging, dragProps } = useFileDrop(!showTemplates, addChosen);

  useEffect(() => {
    if (replyTo) textbox.current?.focus();
  }, [replyTo]);

  useEffect(() => {
    const caret = caretAfterRender.current;
    if (caret === null || !textbox.current) return;
    caretAfterRender.current = null;
    textbox.current.focus();
    textbox.current.setSelectionRange(caret, caret);
    selection.current = { start: caret, end: caret };
  });

  function changeText(next: string, caret?: number) {
    setText(next);
    saveDraft(key, next);
    if (caret !== undefined) caretAfterRender.current = caret;
  }

  function rememberSelection(event: SyntheticEvent<HTMLTextAreaElement>) {
    const { selectionStart, selectionEnd, value } = event.currentTarget;
    selection.current = { start: selectionStart, end: selectionEnd };
    suggestions.update(value, selectionStart);
  }

  function chooseCanned(item: CannedResponse) {
    if (!suggestions.trigger) return;
    const next = applyCanned(text, suggestions.trigger, item.content);
    changeText(next.text, next.caret);
    suggestions.reset();
  }

  function addChosen(incoming: File[]) {
    if (incoming.length === 0) return;
    const { files: next, dropped } = addFiles(files, incoming);
    setFiles(next);
    setNotice(dropped > 0 ? t('tooManyFiles', { max: MAX_FILES, dropped }) : null);
  }

  function submit() {
    const content = text.trim();
    if (!content && files.length === 0) return;
    const isPrivate = mode === 'note';
    const inReplyTo = replyTo?.id ?? null;
    const sentDraft = text;
    const chosen = files;
    const names = chosen.map((file) => file.name).join(', ');
    setNotice(null);
    void send({
      content: content || `📎 ${names}`,
      private: isPrivate,
      run:
        chosen.length > 0
          ? () => {
              setUpload({ names, percent: 0 });
              return uploadMessage(
                accountId,
                conversation.id,
                { content, private: isPrivate, inReplyTo, files: chosen },
                // 100% is painted at once: the answer can follow the last byte before React would render it.
                (percent) =>
                  percent === 100 ? flushSync(() => setUpload({ names, percent })) : setUpload({ names, percent }),
              ).finally(() => setUpload(null));
            }
          : () =>
              sendMessage(accountId, conversation.id, {
                content,
                private: isPrivate,
                content_attributes: inReplyTo ? { in_reply_to: inReplyTo } : {},
              }),
      onSuccess: () => clearSentDraft(key, sentDraft),
      onFailure: (reason) => {
        if (chosen.length > 0) setNotice(t('uploadFailed', { reason }));
      },
    });
    setText('');
    setFiles([]);
    suggestions.reset();
    if (replyTo) onCancelReply();
    textbox.current?.focus();
  }

  const sendTemplate = (params: TemplateParams, content: string) =>
    send({
      content,
      private: false,
      run: () => sendMessage(accountId, conversation.id, { content, template_params: params }),
    });

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (suggestions.open) {
      const chosen = suggestions.items[suggestions.active];
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        suggestions.move(event.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && chosen) {
        event.preventDefault();
        chooseCanned(chosen);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        suggestions.close();
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const pasted = Array.from(event.clipboardData.files);
    if (pasted.length === 0) return;
    event.preventDefault();
    addChosen(pasted);
  }

  const activeOption = suggestions.open && suggestions.items.length > 0 ? `${listId}-${suggestions.active}` : undefined;
  return (
    <section
      className={`composer${mode === 'note' ? ' composer-note' : ''}${dragging ? ' composer-dragging' : ''}`}
      aria-label={t('form')}
      {...dragProps}
    >
      <div className="composer-top">
        <fieldset className="composer-modes">
          <legend className="visually-hidden">{t('modes')}</legend>
          {(['reply', 'note'] as const).map((option) => (
            <button
              key={option}
              type="button"
              aria-pressed={mode === option}
              onClick={() => {
                setMode(option);
                caretAfterRender.current = text.length;
              }}
            >
              {t(option === 'reply' ? 'modeReply' : 'modeNote')}
            </button>
          ))}
        </fieldset>
        {mode === 'note' && <span className="composer-hint">{t('noteHint')}</span>}
      </div>
      {showTemplates && (
        <div className="composer-window" role="note">
          <strong>{t('windowClosed')}</strong>
          <p>{t('windowClosedDetail')}</p>
        </div>
      )}
      {replyTo && !showTemplates && (
        <ReplyQuote
          message={replyTo}
          title={t('replyingTo', { name: quotedAuthor(replyTo, { you: t('you'), contact: t('contact') }) })}
          attachmentLabel={t('attachment')}
          cancelLabel={t('cancelReply')}
          onCancel={onCancelReply}
        />
      )}
      {showTemplates ? (
        <TemplatePicker accountId={accountId} inboxId={conversation.inbox_id} onSend={sendTemplate} />
      ) : (
        <form
          className="composer-form"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            submit();
          }}
        >
          <div className="composer-input">
            {suggestions.open && (
              <CannedSuggestions
                id={listId}
                label={t('canned')}
                hint={t('cannedHint')}
                loadingText={t('cannedLoading')}
                emptyText={t('cannedEmpty', { query: suggestions.trigger?.query ?? '' })}
                items={suggestions.items}
                loading={suggestions.loading}
                error={suggestions.error}
                active={suggestions.active}
                onHover={suggestions.setActive}
                onChoose={chooseCanned}
              />
            )}
            <textarea
              ref={textbox}
              aria-label={t('textbox')}
              placeholder={t(mode === 'note' ? 'placeholderNote' : 'placeholderReply')}
              rows={2}
              value={text}
              aria-autocomplete="list"
              aria-controls={suggestions.open && suggestions.items.length > 0 ? listId : undefined}
              aria-activedescendant={activeOption}
              onChange={(event) => {
                changeText(event.target.value);
                rememberSelection(event);
              }}
              onSelect={rememberSelection}
              onKeyDown={onKeyDown}
              onPaste={onPaste}
              onBlur={() => suggestions.close()}
            />
          </div>
          <AttachmentChips
            files={files}
            label={t('files')}
            locale={locale}
            removeLabel={(name) => t('removeFile', { name })}
            onRemove={(index) => setFiles((current) => current.filter((_, position) => position !== index))}
          />
          {upload && <UploadProgress label={t('uploading')} names={upload.names} percent={upload.percent} />}
          {notice && (
            <p className="composer-notice" role="alert">
              <span>{notice}</span>
              <button type="button" aria-label={t('dismiss')} onClick={() => setNotice(null)}>
                <span aria-hidden="true">×</span>
              </button>
            </p>
          )}
          <ComposerToolbar
            labels={{
              emoji: t('emoji'),
              emojiDialog: t('emojiDialog'),
              attach: t('attach'),
              sending: t('sending'),
              send: t('send'),
            }}
            sending={sending}
            canSend={canSend}
            onEmoji={(emoji) => {
              const next = insertAt(text, selection.current, emoji);
              changeText(next.text, next.caret);
            }}
            onFiles={addChosen}
          />
        </form>
      )}
      {dragging && (
        <div className="composer-drop" aria-hidden="true">
          {t('dropHere')}
        </div>
      )}
    </section>
  );
}
