// The provider's identity fields as inputs, each with its problem at the field (the request form and the
// access-code form ask the same questions, checked the same way).
import { For, Show, type Accessor, type Setter } from 'solid-js';
import type { IdentityFieldPublic } from '../../../server/protocol/support.ts';
import { fieldProblem, inputKind } from './validation.ts';

export interface IdentityInputsProps {
  fields: IdentityFieldPublic[];
  /** Prefix of the inputs' ids (unique per form). */
  idPrefix: string;
  values: Accessor<Record<string, string>>;
  setValues: Setter<Record<string, string>>;
  problems: Accessor<Record<string, string>>;
  setProblems: Setter<Record<string, string>>;
  /** The form was sent once: a field is checked again when it loses focus. */
  touched: Accessor<boolean>;
}

export function IdentityInputs(props: IdentityInputsProps) {
  return (
    <For each={props.fields}>
      {(field) => {
        const id = `${props.idPrefix}-f${field.slot}`;
        const key = String(field.slot);
        const kind = inputKind(field.type);
        const problem = () => props.problems()[key];
        const hintId = `${id}-hint`;
        const describedBy = () => [field.example ? hintId : '', problem() ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
        return (
          <div class="field">
            <label for={id}>
              {field.label}
              <Show when={!field.required}>
                <span class="muted optional"> (optional)</span>
              </Show>
            </label>
            <input
              id={id}
              data-slot={field.slot}
              name={`field-${field.slot}`}
              type={kind.type}
              inputMode={kind.inputMode}
              autocomplete={kind.autocomplete ?? (/name/i.test(field.label) ? 'name' : 'off')}
              maxLength={field.maxLength}
              required={field.required}
              aria-required={field.required}
              aria-invalid={problem() ? true : undefined}
              aria-describedby={describedBy()}
              value={props.values()[key] ?? ''}
              onInput={(e) => {
                const value = e.currentTarget.value;
                props.setValues((v) => ({ ...v, [key]: value }));
                // Once a problem is shown, it goes away as soon as the value is right.
                if (props.problems()[key]) props.setProblems((p) => ({ ...p, [key]: fieldProblem(field, value) ?? '' }));
              }}
              onBlur={(e) => {
                if (props.touched()) props.setProblems((p) => ({ ...p, [key]: fieldProblem(field, e.currentTarget.value) ?? '' }));
              }}
            />
            <Show when={field.example}>
              <p class="hint" id={hintId}>
                For example: {field.example}
              </p>
            </Show>
            <Show when={problem()}>
              <p class="field-error" id={`${id}-error`}>
                {problem()}
              </p>
            </Show>
          </div>
        );
      }}
    </For>
  );
}
