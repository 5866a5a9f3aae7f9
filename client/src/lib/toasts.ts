// Short confirmations ("Desk created") shown in a corner and read out by screen readers.
import { createSignal } from 'solid-js';

export interface Toast {
  id: number;
  text: string;
  tone: 'ok' | 'error';
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
let nextId = 1;

export { toasts };

export function toast(text: string, tone: Toast['tone'] = 'ok', ms = 3500): void {
  const id = nextId++;
  setToasts((list) => [...list.slice(-3), { id, text, tone }]);
  setTimeout(() => dismissToast(id), ms);
}

export function dismissToast(id: number): void {
  setToasts((list) => list.filter((t) => t.id !== id));
}
