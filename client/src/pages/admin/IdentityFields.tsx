// The four customer identification fields the portal asks for: shown, required, label, type, length, pattern and
// a CRM lookup address. Checked here as the server checks them; the server's reason is shown if it still refuses.
import { createResource, createSignal, For, Index, Show } from 'solid-js';
import { FIELD_TYPES, supportApi, type FieldType, type IdentityField } from '../../api/support.ts';
import { errorMessage } from '../../api/http.ts';
import { ErrorMessage, Loading, PageHeader } from '../../components/ui.tsx';
import { toast } from '../../lib/toasts.ts';

export const TYPE_LABELS: Record<FieldType, string> = { text: 'Text', email: 'E-mail', phone: 'Phone', number: 'Number' };

export type FieldProblems = Partial<Record<'label' | 'maxLength' | 'pattern' | 'example' | 'crmUrl' | 'required', string>>;

/** What is wrong with one field, by input; empty when it can be saved. */
export function identityFieldProblems(f: IdentityField): FieldProblems {
  const problems: FieldProblems = {};
  if (!f.label.trim()) problems.label = 'Give the field a label.';
  else if (f.label.trim().length > 60) problems.label = 'At most 60 characters.';
  if (!Number.isInteger(f.maxLength) || f.maxLength < 1 || f.maxLength > 500) problems.maxLength = 'A whole number from 1 to 500.';
  if (f.pattern) {
    if (f.pattern.length > 200) problems.pattern = 'At most 200 characters.';
    else
      try {
        new RegExp(`^(?:${f.pattern})$`, 'u');
      } catch (e) {
        problems.pattern = `Not a valid regular expression: ${(e as Error).message}`;
      }
  }
  if (f.pattern && !problems.pattern) {
    if (!f.example.trim()) problems.example = 'Give an example of a right value: customers see it when theirs has the wrong format.';
    else if (!new RegExp(`^(?:${f.pattern})$`, 'u').test(f.example.trim())) problems.example = 'The example does not match the pattern.';
  }
  if (f.crmUrl) {
    if (!/^https?:\/\//i.test(f.crmUrl)) problems.crmUrl = 'Start the address with http:// or https://';
    else if (!f.crmUrl.includes('{value}')) problems.crmUrl = 'Put {value} where the customer’s value goes.';
    else if (f.crmUrl.length > 500) problems.crmUrl = 'At most 500 characters.';
  }
  if (f.required && !f.shown) problems.required = 'A required field must be shown.';
  return problems;
}

export function hasProblems(fields: readonly IdentityField[]): boolean {
  return fields.some((f) => Object.keys(identityFieldProblems(f)).length > 0);
}

/** The CRM link an engineer would get for an example value (as the server builds it). */
export function crmPreview(crmUrl: string, value: string): string {
  return crmUrl.replaceAll('{value}', encodeURIComponent(value));
}

export function IdentityFieldsEditor(props: { initial: IdentityField[]; onSave: (fields: IdentityField[]) => Promise<unknown> }) {
  const [fields, setFields] = createSignal<IdentityField[]>(props.initial.map((f) => ({ ...f })).sort((a, b) => a.slot - b.slot));
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [tried, setTried] = createSignal(false);
  const update = (slot: number, change: Partial<IdentityField>) =>
    setFields((list) =>
      list.map((f) => {
        if (f.slot !== slot) return f;
        const next = { ...f, ...change };
        // Hiding a field also makes it optional; requiring it shows it.
        if (change.shown === false) next.required = false;
        if (change.required === true) next.shown = true;
        return next;
      }),
    );
  const show = (f: IdentityField, key: keyof FieldProblems) => (tried() ? identityFieldProblems(f)[key] : undefined);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    if (hasProblems(fields())) return setError('Some fields need a fix before saving; see the marked inputs.');
    setBusy(true);
    setError(null);
    try {
      await props.onSave(fields().map((f) => ({ ...f, label: f.label.trim(), pattern: f.pattern.trim(), example: f.example.trim(), crmUrl: f.crmUrl.trim() })));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" onSubmit={submit} noValidate aria-label="Identity fields">
      <Index each={fields()}>
        {(field) => {
          const f = field;
          const id = (name: string) => `field-${f().slot}-${name}`;
          return (
            <fieldset class="card identity-field" aria-label={`Field ${f().slot}`}>
              <legend>
                Field {f().slot}
                <Show when={!f().shown}>
                  <span class="badge subtle">hidden</span>
                </Show>
              </legend>
              <div class="identity-grid">
                <div class="checkbox">
                  <input id={id('shown')} type="checkbox" checked={f().shown} onChange={(e) => update(f().slot, { shown: e.currentTarget.checked })} />
                  <label for={id('shown')}>Shown</label>
                </div>
                <div class="checkbox">
                  <input
                    id={id('required')}
                    type="checkbox"
                    checked={f().required}
                    aria-invalid={show(f(), 'required') ? true : undefined}
                    onChange={(e) => update(f().slot, { required: e.currentTarget.checked })}
                  />
                  <label for={id('required')}>Required</label>
                </div>
                <div class="field">
                  <label for={id('label')}>Label</label>
                  <input id={id('label')} value={f().label} maxLength={60} aria-invalid={show(f(), 'label') ? true : undefined} onInput={(e) => update(f().slot, { label: e.currentTarget.value })} />
                  <Show when={show(f(), 'label')}>
                    <p class="field-error">{show(f(), 'label')}</p>
                  </Show>
                </div>
                <div class="field">
                  <label for={id('type')}>Type</label>
                  <select id={id('type')} value={f().type} onChange={(e) => update(f().slot, { type: e.currentTarget.value as FieldType })}>
                    <For each={FIELD_TYPES}>{(t) => <option value={t}>{TYPE_LABELS[t]}</option>}</For>
                  </select>
                </div>
                <div class="field">
                  <label for={id('max')}>Max length</label>
                  <input
                    id={id('max')}
                    type="number"
                    min="1"
                    max="500"
                    value={f().maxLength}
                    aria-invalid={show(f(), 'maxLength') ? true : undefined}
                    onInput={(e) => update(f().slot, { maxLength: e.currentTarget.value === '' ? NaN : Number(e.currentTarget.value) })}
                  />
                  <Show when={show(f(), 'maxLength')}>
                    <p class="field-error">{show(f(), 'maxLength')}</p>
                  </Show>
                </div>
                <div class="field wide">
                  <label for={id('pattern')}>Pattern (regular expression, optional)</label>
                  <input
                    id={id('pattern')}
                    class="mono"
                    value={f().pattern}
                    maxLength={200}
                    placeholder="e.g. C-[0-9]{6}"
                    aria-invalid={show(f(), 'pattern') ? true : undefined}
                    onInput={(e) => update(f().slot, { pattern: e.currentTarget.value })}
                  />
                  <p class="hint">The whole value must match.</p>
                  <Show when={show(f(), 'pattern')}>
                    <p class="field-error">{show(f(), 'pattern')}</p>
                  </Show>
                </div>
                <Show when={f().pattern}>
                  <div class="field wide">
                    <label for={id('example')}>Example of a right value</label>
                    <input
                      id={id('example')}
                      value={f().example}
                      maxLength={60}
                      placeholder="e.g. C-123456"
                      aria-invalid={show(f(), 'example') ? true : undefined}
                      aria-describedby={`${id('example')}-hint${show(f(), 'example') ? ` ${id('example')}-error` : ''}`}
                      onInput={(e) => update(f().slot, { example: e.currentTarget.value })}
                    />
                    <p class="hint" id={`${id('example')}-hint`}>
                      Customers see it under the field and in the error: “{f().label || 'The field'} must look like {f().example || '…'}”.
                    </p>
                    <Show when={show(f(), 'example')}>
                      <p class="field-error" id={`${id('example')}-error`}>
                        {show(f(), 'example')}
                      </p>
                    </Show>
                  </div>
                </Show>
                <div class="field wide">
                  <label for={id('crm')}>CRM lookup address (optional)</label>
                  <input
                    id={id('crm')}
                    class="mono"
                    value={f().crmUrl}
                    maxLength={500}
                    placeholder="https://crm.example.com/search?q={value}"
                    aria-invalid={show(f(), 'crmUrl') ? true : undefined}
                    onInput={(e) => update(f().slot, { crmUrl: e.currentTarget.value })}
                  />
                  <p class="hint">
                    Engineers see the value as a link to this address, with {'{value}'} replaced.
                    <Show when={f().crmUrl.includes('{value}') && !identityFieldProblems(f()).crmUrl}>
                      {' '}
                      Example: <span class="mono">{crmPreview(f().crmUrl, 'Jane Doe')}</span>
                    </Show>
                  </p>
                  <Show when={show(f(), 'crmUrl')}>
                    <p class="field-error">{show(f(), 'crmUrl')}</p>
                  </Show>
                </div>
              </div>
              <Show when={show(f(), 'required')}>
                <p class="field-error">{show(f(), 'required')}</p>
              </Show>
            </fieldset>
          );
        }}
      </Index>
      <ErrorMessage error={error()} />
      <div class="actions start">
        <button type="submit" class="button primary" disabled={busy()}>
          {busy() ? 'Saving…' : 'Save fields'}
        </button>
      </div>
    </form>
  );
}

export function IdentityFieldsPage() {
  const [fields, { mutate }] = createResource(supportApi.identityFields);
  return (
    <div class="page">
      <PageHeader
        title="Identity fields"
        subtitle="Up to four fields customers fill in when they ask for help. Engineers see them in the queue and the session."
      />
      <Show when={!fields.error} fallback={<ErrorMessage error={errorMessage(fields.error)} />}>
        <Show when={fields()} fallback={<Loading />}>
          {(list) => (
            <IdentityFieldsEditor
              initial={list()}
              onSave={async (next) => {
                mutate(await supportApi.saveIdentityFields(next));
                toast('Identity fields saved.');
              }}
            />
          )}
        </Show>
      </Show>
    </div>
  );
}
