import { useEffect, useRef } from 'react';
import type { Attachment } from '../inbox.api';
import type { InboxT } from './message-kinds';

/** The full image in a modal dialog; Esc, the close button or a click outside closes it. */
export function ImageLightbox({
  attachment,
  caption,
  t,
  onClose,
}: {
  attachment: Attachment;
  caption: string | null;
  t: InboxT;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Esc closes the dialog natively; the click is for the backdrop
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label={caption || t('msg.image')}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === dialog.current) onClose();
      }}
    >
      <img src={attachment.data_url ?? ''} alt={caption || t('msg.image')} />
      {caption && <p className="lightbox-caption">{caption}</p>}
      <button type="button" className="secondary lightbox-close" onClick={onClose}>
        {t('msg.closeImage')}
      </button>
    </dialog>
  );
}
