import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import { type Contact, updateContactAttributes } from '../inbox.api';
import type { InboxT } from '../messages/message-kinds';

const shown = (value: unknown) =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/** The contact's custom attributes, editable in place; new ones added by name and value. */
export function CustomAttributes({
  accountId,
  contact,
  onSaved,
  t,
}: {
  accountId: number;
  contact: Contact;
  onSaved(contact: Contact): void;
  t: InboxT;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [newName, setNewName] = useState('');
  const [newValue, setNewValue] = useState('');
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    setValues(Object.fromEntries(Object.entries(contact.custom_attributes).map(([key, value]) => [key, shown(value)])));
  }, [contact]);

  async function save(event: FormEvent) {
    event.preventDefault();
    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (value !== shown(contact.custom_attributes[key])) changes[key] = value;
    }
    const name = newName.trim();
    if (name) changes[name] = newValue;
    if (Object.keys(changes).length === 0) return;
    setSaving(true);
    setMessage(null);
    try {
      const saved = await updateContactAttributes(accountId, contact.id, changes);
      setNewName('');
      setNewValue('');
      setMessage({ kind: 'ok', text: t('contact.saved') });
      onSaved(saved);
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof ApiError ? error.message : t('common.error') });
    } finally {
      setSaving(false);
    }
  }

  const keys = Object.keys(values);
  return (
    <form className="contact-attributes" onSubmit={save}>
      <h3>{t('contact.attributes')}</h3>
      {keys.length === 0 && <p className="muted">{t('contact.noAttributes')}</p>}
      {keys.map((key) => (
        <label key={key} className="field">
          <span>{key}</span>
          <input
            value={values[key] ?? ''}
            aria-label={t('contact.attributeValue', { name: key })}
            onChange={(event) => setValues((previous) => ({ ...previous, [key]: event.target.value }))}
          />
        </label>
      ))}
      <fieldset className="contact-new-attribute">
        <legend>{t('contact.addAttribute')}</legend>
        <input
          aria-label={t('contact.attributeName')}
          placeholder={t('contact.attributeName')}
          value={newName}
          maxLength={80}
          onChange={(event) => setNewName(event.target.value)}
        />
        <input
          aria-label={t('contact.newAttributeValue')}
          placeholder={t('contact.newAttributeValue')}
          value={newValue}
          onChange={(event) => setNewValue(event.target.value)}
        />
      </fieldset>
      <button type="submit" className="secondary" disabled={saving}>
        {saving ? t('common.saving') : t('contact.saveAttributes')}
      </button>
      {message && (
        <p
          className={message.kind === 'error' ? 'form-error' : 'muted'}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
    </form>
  );
}
