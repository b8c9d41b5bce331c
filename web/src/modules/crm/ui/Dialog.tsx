import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A modal <dialog> for the CRM's forms: focus moves into it, Escape closes it (unless `busy`), and the
 * page behind stays inert while it is open.
 */
export function Dialog({
  title,
  busy = false,
  onClose,
  children,
  wide = false,
}: {
  title: string;
  busy?: boolean;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? 'crm-dialog crm-dialog-wide' : 'crm-dialog'}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
