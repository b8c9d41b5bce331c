import { mediaUrl, type SimulatorMessage, type TemplateComponent } from './simulator.api';

const TICKS: Record<SimulatorMessage['status'], { label: string; mark: string }> = {
  sent: { label: 'enviada', mark: '✓' },
  delivered: { label: 'entregue', mark: '✓✓' },
  read: { label: 'lida', mark: '✓✓' },
  failed: { label: 'falhou', mark: '!' },
};

function fillTemplate(text: string, parameters: Array<{ text?: string }>) {
  return text.replace(
    /\{\{\s*(\d+)\s*\}\}/g,
    (_match, index: string) => parameters[Number(index) - 1]?.text ?? `{{${index}}}`,
  );
}

export interface PhoneMessageProps {
  message: SimulatorMessage;
  /** The phone this conversation belongs to (media is loaded through it). */
  waId: string;
  templates: Array<{ name: string; components: TemplateComponent[] }>;
  onTap: (body: Record<string, unknown>) => void;
}

/** One bubble on the simulated phone; what the business sent can be tapped like on WhatsApp. */
export function PhoneMessage({ message, waId, templates, onTap }: PhoneMessageProps) {
  const { payload } = message;
  const mine = message.direction === 'to_business';
  const time = new Date(message.created_at).toLocaleTimeString('pt-BR', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'America/Sao_Paulo',
  });
  let content: React.ReactNode = null;

  if (payload.type === 'text') {
    content = <p className="bubble-text">{payload.text?.body}</p>;
  } else if ((payload.type === 'image' || payload.type === 'sticker') && payload[payload.type]?.id) {
    const media = payload[payload.type];
    const caption = payload.image?.caption;
    content = (
      <>
        <img className="bubble-image" src={mediaUrl(waId, media?.id ?? '')} alt={caption ?? 'Imagem'} />
        {caption && <p className="bubble-text">{caption}</p>}
      </>
    );
  } else if (payload.type === 'image') {
    content = <p className="bubble-text">📷 Imagem{payload.image?.caption ? `: ${payload.image.caption}` : ''}</p>;
  } else if ((payload.type === 'audio' || payload.type === 'video') && payload[payload.type]?.id) {
    // Played by the browser in a new tab: the simulator has no captions to offer an inline player.
    const media = payload.type === 'audio' ? payload.audio : payload.video;
    content = (
      <p className="bubble-text">
        <a href={mediaUrl(waId, media?.id ?? '')} target="_blank" rel="noreferrer">
          {payload.type === 'audio' ? '🎤 Áudio' : '🎬 Vídeo'}
        </a>
        {payload.video?.caption ? ` ${payload.video.caption}` : ''}
      </p>
    );
  } else if (payload.type === 'document' && payload.document?.id) {
    content = (
      <p className="bubble-text">
        <a href={mediaUrl(waId, payload.document.id)} download={payload.document.filename}>
          📄 {payload.document.filename ?? 'Documento'}
        </a>
        {payload.document.caption ? ` ${payload.document.caption}` : ''}
      </p>
    );
  } else if (payload.type === 'reaction') {
    content = <p className="bubble-text">Reagiu com {payload.reaction?.emoji || '(reação removida)'}</p>;
  } else if (payload.type === 'interactive' && mine) {
    const reply = payload.interactive?.button_reply ?? payload.interactive?.list_reply;
    content = <p className="bubble-text">{reply?.title}</p>;
  } else if (payload.type === 'button') {
    content = <p className="bubble-text">{payload.button?.text}</p>;
  } else if (payload.type === 'interactive') {
    const interactive = payload.interactive ?? {};
    content = (
      <>
        {interactive.header?.text && <p className="bubble-header">{interactive.header.text}</p>}
        <p className="bubble-text">{interactive.body?.text}</p>
        {interactive.footer?.text && <p className="bubble-footer">{interactive.footer.text}</p>}
        <div className="bubble-actions">
          {interactive.type === 'button' &&
            interactive.action?.buttons?.map((button) => (
              <button
                type="button"
                key={button.reply.id}
                onClick={() =>
                  onTap({
                    reply: {
                      type: 'button_reply',
                      id: button.reply.id,
                      title: button.reply.title,
                      context_wamid: message.wamid,
                    },
                  })
                }
              >
                {button.reply.title}
              </button>
            ))}
          {interactive.type === 'list' &&
            interactive.action?.sections?.flatMap(
              (section: { rows: Array<{ id: string; title: string; description?: string }> }) =>
                section.rows.map((row) => (
                  <button
                    type="button"
                    key={row.id}
                    title={row.description}
                    onClick={() =>
                      onTap({
                        reply: { type: 'list_reply', id: row.id, title: row.title, context_wamid: message.wamid },
                      })
                    }
                  >
                    {row.title}
                  </button>
                )),
            )}
        </div>
      </>
    );
  } else if (payload.type === 'template') {
    const template = templates.find((candidate) => candidate.name === payload.template?.name);
    const components: Array<{ type: string; parameters?: Array<{ text?: string }> }> =
      payload.template?.components ?? [];
    const bodyParameters = components.find((component) => component.type === 'body')?.parameters ?? [];
    const body =
      template?.components.find((component) => component.type === 'BODY')?.text ?? `[modelo ${payload.template?.name}]`;
    const header = template?.components.find((component) => component.type === 'HEADER')?.text;
    const buttons = template?.components.find((component) => component.type === 'BUTTONS')?.buttons ?? [];
    content = (
      <>
        {header && <p className="bubble-header">{header}</p>}
        <p className="bubble-text">{fillTemplate(body, bodyParameters)}</p>
        {buttons.length > 0 && (
          <div className="bubble-actions">
            {buttons.map((button) => (
              <button
                type="button"
                key={button.text}
                onClick={() =>
                  onTap({ button: { payload: button.text, text: button.text, context_wamid: message.wamid } })
                }
              >
                {button.text}
              </button>
            ))}
          </div>
        )}
      </>
    );
  } else {
    content = <p className="bubble-text">[{payload.type}]</p>;
  }

  return (
    <li className={`bubble ${mine ? 'bubble-mine' : 'bubble-theirs'}`} data-direction={message.direction}>
      {content}
      <span className="bubble-meta">
        {time}
        {!mine && (
          <span
            className={`ticks ticks-${message.status}`}
            role="img"
            aria-label={TICKS[message.status].label}
            title={TICKS[message.status].label}
          >
            {' '}
            {TICKS[message.status].mark}
          </span>
        )}
      </span>
    </li>
  );
}
