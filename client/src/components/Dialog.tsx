// A modal dialog: labelled by its title, Escape or the close button closes it, focus moves in and back out.
import { createSignal, createUniqueId, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { errorMessage } from '../api/http.ts';
import { ErrorMessage } from './ui.tsx';

const stack: symbol[] = [];

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: JSX.Element;
  /** Wider dialogs for forms with lists. */
  wide?: boolean;
  /** A short line under the title. */
  description?: string;
}

const FOCUSABLE =
  'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/** Render inside <Show when={open()}>; mounting opens it, unmounting closes it. */
export function Dialog(props: DialogProps) {
  const id = createUniqueId();
  const me = Symbol('dialog');
  let panel!: HTMLDivElement;
  const previous = typeof document !== 'undefined' ? (document.activeElement as HTMLElement | null) : null;

  const onKeyDown = (event: KeyboardEvent) => {
    if (stack[stack.length - 1] !== me) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      props.onClose();
      return;
    }
    if (event.key === 'Tab') {
      // Keep focus inside the dialog.
      const items = Array.from(panel.querySelectorAll<HTMLElement>(FOCUSABLE));
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  onMount(() => {
    stack.push(me);
    document.addEventListener('keydown', onKeyDown, true);
    // data-autofocus where the choice is made at run time: Solid sets a dynamic autofocus as a property, which
    // not every DOM reflects to the attribute looked for here.
    const autofocus = panel.querySelector<HTMLElement>('[autofocus], [data-autofocus]') ?? panel.querySelector<HTMLElement>(FOCUSABLE);
    // Skip the close button when something better exists.
    const target =
      autofocus?.classList.contains('dialog-close')
        ? (Array.from(panel.querySelectorAll<HTMLElement>(FOCUSABLE)).find((el) => !el.classList.contains('dialog-close')) ??
          autofocus)
        : autofocus;
    target?.focus();
  });

  onCleanup(() => {
    const index = stack.indexOf(me);
    if (index >= 0) stack.splice(index, 1);
    document.removeEventListener('keydown', onKeyDown, true);
    if (previous && document.contains(previous)) previous.focus();
  });

  return (
    <Portal>
      <div class="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
        <div
          ref={panel}
          class="dialog"
          classList={{ 'dialog-wide': props.wide }}
          role="dialog"
          aria-modal="true"
          aria-labelledby={`${id}-title`}
          aria-describedby={props.description ? `${id}-desc` : undefined}
        >
          {/* Not a <header>: portaled to <body>, that made a second banner landmark beside the console's top bar. */}
          <div class="dialog-header">
            <h2 id={`${id}-title`}>{props.title}</h2>
            <button type="button" class="icon-button dialog-close" aria-label="Close dialog" onClick={() => props.onClose()}>
              ×
            </button>
          </div>
          <Show when={props.description}>
            <p id={`${id}-desc`} class="muted dialog-description">
              {props.description}
            </p>
          </Show>
          <div class="dialog-body">{props.children}</div>
        </div>
      </div>
    </Portal>
  );
}

export interface ConfirmDialogProps {
  title: string;
  message: JSX.Element;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
}

/** "Are you sure?" with the server's error shown in place if the action fails. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <div class="stack">
        <div>{props.message}</div>
        <ErrorMessage error={error()} />
        <div class="actions">
          {/* Focus starts on the safe choice when the action cannot be undone, so an Enter pressed out of
              habit cancels instead of deleting. */}
          <button type="button" class="button" onClick={() => props.onClose()} data-autofocus={props.danger ? '' : undefined}>
            Cancel
          </button>
          <button
            type="button"
            class="button"
            classList={{ danger: props.danger, primary: !props.danger }}
            disabled={busy()}
            onClick={confirm}
            data-autofocus={props.danger ? undefined : ''}
          >
            {busy() ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
