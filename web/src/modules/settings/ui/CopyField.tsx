import { useId, useRef, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { settingsMessages } from '../settings.messages';

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Plain http on a LAN address has no Clipboard API: fall back to the selection.
    input?.select();
    return typeof document.execCommand === 'function' && document.execCommand('copy');
  }
}

/** A read-only value the administrator pastes elsewhere (Meta's app, n8n), with a copy button. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const t = useModuleMessages(settingsMessages);
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');
  return (
    <div className="settings-field">
      <label htmlFor={id}>{label}</label>
      <div className="settings-copy">
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          data-testid={testId}
          onFocus={(event) => event.target.select()}
        />
        <button
          type="button"
          className="secondary"
          aria-label={t('copyWhat', { what: label })}
          onClick={async () => setStatus((await copyText(value, input.current)) ? t('copied') : t('copyFailed'))}
        >
          {t('copy')}
        </button>
      </div>
      <p className="settings-hint" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
