// Small building blocks shared by every page.
import { createEffect, createSignal, createUniqueId, For, Show, splitProps, type JSX } from 'solid-js';
import { titleWithCount } from '../lib/pageTitle.ts';
import { avatarUrl } from '../api/endpoints.ts';

export function ErrorMessage(props: { error: string | null | undefined; id?: string }) {
  return (
    <Show when={props.error}>
      <p class="error-message" role="alert" id={props.id}>
        {props.error}
      </p>
    </Show>
  );
}

/** The end of a dialog's form: its error, Cancel, and the submit button that says what it is doing while busy. */
export function FormFooter(props: {
  error: string | null | undefined;
  busy: boolean;
  label: string;
  busyLabel: string;
  disabled?: boolean;
  onCancel: () => void;
}) {
  return (
    <>
      <ErrorMessage error={props.error} />
      <div class="actions">
        <button type="button" class="button" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="submit" class="button primary" disabled={props.busy || props.disabled}>
          {props.busy ? props.busyLabel : props.label}
        </button>
      </div>
    </>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {props.label ?? 'Loading…'}
    </p>
  );
}

/** `page`: the state is the whole page (nothing found at an address), so its title is the page's <h1>. */
export function EmptyState(props: { title: string; children?: JSX.Element; icon?: string; page?: boolean }) {
  return (
    <section class="empty-state" aria-label={props.title}>
      <div class="empty-icon" aria-hidden="true">
        {props.icon ?? '◇'}
      </div>
      <Show when={props.page} fallback={<h2>{props.title}</h2>}>
        <h1>{props.title}</h1>
      </Show>
      <div class="muted">{props.children}</div>
    </section>
  );
}

export function PageHeader(props: { title: string; subtitle?: string; children?: JSX.Element }) {
  createEffect(() => {
    document.title = titleWithCount(`${props.title} · Tessera`);
  });
  return (
    <header class="page-header">
      <div>
        <h1>{props.title}</h1>
        <Show when={props.subtitle}>
          <p class="muted">{props.subtitle}</p>
        </Show>
      </div>
      <div class="page-actions">{props.children}</div>
    </header>
  );
}

type InputProps = JSX.InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  hint?: string;
  error?: string | null;
};

/** A labelled input with an optional hint and error, wired with aria-describedby. */
export function TextField(props: InputProps) {
  const [local, rest] = splitProps(props, ['label', 'hint', 'error', 'id', 'class']);
  const id = local.id ?? createUniqueId();
  const describedBy = () =>
    [local.hint ? `${id}-hint` : '', local.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field" classList={{ [local.class ?? '']: !!local.class }}>
      <label for={id}>{local.label}</label>
      <input id={id} aria-describedby={describedBy()} aria-invalid={local.error ? true : undefined} {...rest} />
      <Show when={local.hint}>
        <p class="hint" id={`${id}-hint`}>
          {local.hint}
        </p>
      </Show>
      <Show when={local.error}>
        <p class="field-error" id={`${id}-error`}>
          {local.error}
        </p>
      </Show>
    </div>
  );
}

type TextAreaProps = JSX.TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; hint?: string };

export function TextAreaField(props: TextAreaProps) {
  const [local, rest] = splitProps(props, ['label', 'hint', 'id']);
  const id = local.id ?? createUniqueId();
  return (
    <div class="field">
      <label for={id}>{local.label}</label>
      <textarea id={id} aria-describedby={local.hint ? `${id}-hint` : undefined} {...rest} />
      <Show when={local.hint}>
        <p class="hint" id={`${id}-hint`}>
          {local.hint}
        </p>
      </Show>
    </div>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  hint?: string;
  disabled?: boolean;
}) {
  const id = createUniqueId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value as T)}
      >
        <For each={props.options}>{(o) => <option value={o.value}>{o.label}</option>}</For>
      </select>
      <Show when={props.hint}>
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      </Show>
    </div>
  );
}

/** A fieldset of checkboxes: a multi-select that works with the keyboard and with getByRole('group'). */
export function CheckboxGroup<T extends string | number>(props: {
  legend: string;
  options: readonly { value: T; label: string; note?: string }[];
  selected: readonly T[];
  onChange: (selected: T[]) => void;
  hint?: string;
  empty?: string;
}) {
  const id = createUniqueId();
  const toggle = (value: T, on: boolean) => {
    const set = new Set(props.selected);
    if (on) set.add(value);
    else set.delete(value);
    // Keep the options' order.
    props.onChange(props.options.map((o) => o.value).filter((v) => set.has(v)));
  };
  return (
    <fieldset class="checkbox-group" aria-describedby={props.hint ? `${id}-hint` : undefined}>
      <legend>{props.legend}</legend>
      <Show when={props.options.length > 0} fallback={<p class="muted">{props.empty ?? 'None yet.'}</p>}>
        <div class="checkbox-list">
          <For each={props.options}>
            {(option) => {
              const optionId = createUniqueId();
              return (
                <div class="checkbox">
                  <input
                    id={optionId}
                    type="checkbox"
                    checked={props.selected.includes(option.value)}
                    onChange={(e) => toggle(option.value, e.currentTarget.checked)}
                  />
                  <label for={optionId}>{option.label}</label>
                  <Show when={option.note}>
                    <span class="badge subtle">{option.note}</span>
                  </Show>
                </div>
              );
            }}
          </For>
        </div>
      </Show>
      <Show when={props.hint}>
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      </Show>
    </fieldset>
  );
}

export function Badge(props: { children: JSX.Element; tone?: 'ok' | 'warn' | 'danger' | 'subtle' | 'info'; title?: string }) {
  return (
    <span class={`badge ${props.tone ?? ''}`} title={props.title}>
      {props.children}
    </span>
  );
}

/** Initials in a circle, or the uploaded avatar when there is one. */
export function Avatar(props: { id: number; name: string; hasAvatar?: boolean; version?: number; size?: number }) {
  const [failed, setFailed] = createSignal(false);
  const initials = () =>
    props.name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((p) => p[0]?.toUpperCase() ?? '')
      .join('') || '?';
  const size = () => `${props.size ?? 28}px`;
  return (
    <Show
      when={props.hasAvatar && !failed()}
      fallback={
        <span class="avatar" style={{ width: size(), height: size(), 'font-size': `${(props.size ?? 28) * 0.4}px` }} aria-hidden="true">
          {initials()}
        </span>
      }
    >
      <img
        class="avatar"
        src={avatarUrl(props.id, props.version ?? '')}
        alt=""
        width={props.size ?? 28}
        height={props.size ?? 28}
        onError={() => setFailed(true)}
      />
    </Show>
  );
}

/** Password rules shared by every form that sets one. */
export const MIN_PASSWORD_LENGTH = 10;

/** What a password field says about the rules, the same on every form that sets one. */
export function passwordHint(subject: 'the username' | 'your username' = 'the username'): string {
  return `At least ${MIN_PASSWORD_LENGTH} characters, not containing ${subject}.`;
}

/** The problem with a new password on its own (the confirmation is checked by confirmProblem), or null. */
export function newPasswordProblem(password: string, username?: string): string | null {
  if (!password) return 'Enter a password.';
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters (${password.length} so far).`;
  if (username?.trim() && password.toLowerCase().includes(username.trim().toLowerCase()))
    return 'The password must not contain the username.';
  return null;
}

export function confirmProblem(password: string, confirm: string): string | null {
  if (!confirm) return 'Enter the password again.';
  return password === confirm ? null : 'The two passwords do not match.';
}
