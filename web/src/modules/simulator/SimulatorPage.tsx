import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../shared/api-client';
import { PhoneMessage } from './PhoneMessage';
import {
  createPhone,
  fetchMessages,
  fetchState,
  injectFailure,
  markRead,
  type SimulatorMessage,
  type SimulatorState,
  sendFromPhone,
} from './simulator.api';

const POLL_MS = 1500;

const readAsBase64 = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] ?? '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

/** Plays one or more WhatsApp phones talking to the business, through Santana's real webhook path. */
export function SimulatorPage() {
  const [state, setState] = useState<SimulatorState | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [messages, setMessages] = useState<SimulatorMessage[]>([]);
  const [text, setText] = useState('');
  const [newName, setNewName] = useState('');
  const [newNumber, setNewNumber] = useState('');
  const [error, setError] = useState<string | null>(null);
  const listEnd = useRef<HTMLLIElement>(null);

  const fail = useCallback(
    (caught: unknown) => setError(caught instanceof ApiError ? caught.message : 'Algo deu errado. Tente de novo.'),
    [],
  );

  useEffect(() => {
    fetchState()
      .then((loaded) => {
        setState(loaded);
        setSelected((current) => current ?? loaded.phones[0]?.wa_id ?? null);
      })
      .catch(fail);
  }, [fail]);

  const refresh = useCallback(async () => {
    if (!selected) return;
    const loaded = await fetchMessages(selected);
    setMessages(loaded);
    // The person is looking at the chat: whatever the business sent is now read.
    if (
      loaded.some(
        (message) => message.direction === 'to_phone' && message.status !== 'read' && message.status !== 'failed',
      )
    ) {
      await markRead(selected);
    }
  }, [selected]);

  useEffect(() => {
    if (!selected) return;
    void refresh().catch(fail);
    const timer = setInterval(() => void refresh().catch(() => undefined), POLL_MS);
    return () => clearInterval(timer);
  }, [selected, refresh, fail]);

  // Keep the newest message in view, as a phone does.
  const lastMessageId = messages.at(-1)?.id;
  useEffect(() => {
    if (lastMessageId !== undefined) listEnd.current?.scrollIntoView({ block: 'end' });
  }, [lastMessageId]);

  async function send(body: Record<string, unknown>) {
    if (!selected) return;
    setError(null);
    try {
      await sendFromPhone(selected, body);
      await refresh();
    } catch (caught) {
      fail(caught);
    }
  }

  async function submitText(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    await send({ text: text.trim() });
    setText('');
  }

  async function addPhone(event: FormEvent) {
    event.preventDefault();
    if (!newName.trim()) return;
    try {
      const phone = await createPhone(newName.trim(), newNumber.replace(/\D/g, '') || undefined);
      setState((current) =>
        current ? { ...current, phones: [...current.phones.filter((p) => p.wa_id !== phone.wa_id), phone] } : current,
      );
      setSelected(phone.wa_id);
      setNewName('');
      setNewNumber('');
    } catch (caught) {
      fail(caught);
    }
  }

  if (!state) {
    return (
      <main className="simulator">
        <p role="status">{error ?? 'Carregando o simulador…'}</p>
      </main>
    );
  }
  const phone = state.phones.find((candidate) => candidate.wa_id === selected);

  return (
    <main className="simulator">
      <aside className="simulator-phones" aria-label="Telefones simulados">
        <h1>Simulador de WhatsApp</h1>
        <p className="muted">
          Conversando com {state.inbox.name} (+{state.inbox.display_phone_number})
        </p>
        <ul>
          {state.phones.map((candidate) => (
            <li key={candidate.wa_id}>
              <button
                type="button"
                className="phone-choice"
                aria-current={candidate.wa_id === selected}
                onClick={() => setSelected(candidate.wa_id)}
              >
                <strong>{candidate.name}</strong> <span className="muted">+{candidate.wa_id}</span>
              </button>
            </li>
          ))}
        </ul>
        <form onSubmit={addPhone} className="simulator-new-phone">
          <label htmlFor="phone-name">Nome</label>
          <input
            id="phone-name"
            value={newName}
            onChange={(event) => setNewName(event.target.value)}
            placeholder="Maria Cliente"
          />
          <label htmlFor="phone-number">Número (opcional)</label>
          <input
            id="phone-number"
            value={newNumber}
            onChange={(event) => setNewNumber(event.target.value)}
            placeholder="5511987654321"
          />
          <button type="submit" className="secondary">
            Novo telefone
          </button>
        </form>
        {phone && (
          <label className="simulator-failure">
            Simular erro no próximo envio da empresa
            <select
              defaultValue=""
              onChange={(event) => {
                if (event.target.value) void injectFailure(phone.wa_id, Number(event.target.value)).catch(fail);
                event.target.value = '';
              }}
            >
              <option value="">—</option>
              <option value="131026">131026 — número sem WhatsApp</option>
              <option value="131047">131047 — janela de 24 h fechada</option>
              <option value="130429">130429 — limite de envio</option>
              <option value="190">190 — token expirado</option>
            </select>
          </label>
        )}
      </aside>
      <section className="phone" aria-label={phone ? `Telefone de ${phone.name}` : 'Telefone'}>
        {phone ? (
          <>
            <header className="phone-header">
              <strong>{state.inbox.name}</strong>
              <span className="muted">você é {phone.name}</span>
            </header>
            <ol className="phone-messages">
              {messages.map((message) => (
                <PhoneMessage
                  key={message.id}
                  message={message}
                  waId={phone.wa_id}
                  templates={state.templates}
                  onTap={(body) => void send(body)}
                />
              ))}
              <li ref={listEnd} aria-hidden="true" />
            </ol>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <form className="phone-composer" onSubmit={submitText}>
              <label className="visually-hidden" htmlFor="phone-text">
                Mensagem do telefone
              </label>
              <input
                id="phone-text"
                value={text}
                onChange={(event) => setText(event.target.value)}
                placeholder="Escreva como cliente…"
              />
              <label className="phone-attach" title="Enviar imagem">
                Foto<span className="visually-hidden">: enviar imagem</span>
                <input
                  type="file"
                  accept="image/jpeg,image/png,image/webp"
                  onChange={async (event) => {
                    const file = event.target.files?.[0];
                    if (!file) return;
                    const data = await readAsBase64(file);
                    await send({ image: { data, mime_type: file.type, caption: text.trim() || undefined } });
                    setText('');
                    event.target.value = '';
                  }}
                />
              </label>
              <button type="submit" className="primary">
                Enviar do telefone
              </button>
            </form>
          </>
        ) : (
          <p className="empty-state">Crie um telefone para começar a conversar.</p>
        )}
      </section>
    </main>
  );
}
