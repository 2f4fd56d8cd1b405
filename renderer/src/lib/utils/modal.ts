/** What every modal dialog component takes: whether it is shown, and what closing it does. */
export type ModalProps = { open: boolean; onClose: () => void };

/**
 * A <dialog> shown as a modal exactly while its `open` prop is true. Call from an $effect:
 * `onOpen` runs each time it opens (clear the last entry: a password must never be shown again).
 */
export function syncModal(dialog: HTMLDialogElement | undefined, open: boolean, onOpen: () => void): void {
  if (!dialog) return;
  if (open && !dialog.open) {
    onOpen();
    dialog.showModal();
  } else if (!open && dialog.open) dialog.close();
}
