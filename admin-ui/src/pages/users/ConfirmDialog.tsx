import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog on the browser's own <dialog>: showModal() makes the rest of the page inert (focus stays inside) and
 * Escape closes it. Used by the users, API keys, security and audit pages for confirmations and one-time secrets.
 */
export function Dialog({ title, open, onClose, children }: {
  title: string;
  open: boolean;
  onClose(): void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) {
      return;
    }
    if (open && !dialog.open) {
      // jsdom has no showModal; the open attribute is enough there.
      if (typeof dialog.showModal === 'function') {
        dialog.showModal();
      } else {
        dialog.setAttribute('open', '');
      }
    } else if (!open && dialog.open) {
      if (typeof dialog.close === 'function') {
        dialog.close();
      } else {
        dialog.removeAttribute('open');
      }
    }
  }, [open]);
  return (
    <dialog ref={ref} className="admin-dialog" aria-labelledby="admin-dialog-title"
            onCancel={(event) => { event.preventDefault(); onClose(); }}>
      {open && (
        <div className="stack">
          <h2 id="admin-dialog-title">{title}</h2>
          {children}
        </div>
      )}
    </dialog>
  );
}

/** Asks before an action that cannot be taken back; confirm runs the action, cancel (or Escape) closes. */
export function ConfirmDialog({ title, message, confirmLabel, cancelLabel, busy, onConfirm, onCancel, children }: {
  title: string;
  message: string;
  confirmLabel: string;
  cancelLabel: string;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
  children?: ReactNode;
}) {
  return (
    <Dialog title={title} open onClose={onCancel}>
      <p>{message}</p>
      {children}
      <div className="admin-actions">
        <button type="button" onClick={onCancel}>{cancelLabel}</button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy}>{confirmLabel}</button>
      </div>
    </Dialog>
  );
}

/** A date and time in the chosen language. */
export function formatInstant(language: string, value: string | null | undefined): string {
  if (!value) {
    return '—';
  }
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}
