// A customer's identification values with their labels; a value with a CRM lookup is a link into the CRM.
import { For, Show } from 'solid-js';
import type { CustomerValue } from '../../../server/protocol/support.ts';

/** The name to show for a customer: the first value (slot 1 is the name by default). */
export function customerTitle(values: readonly CustomerValue[], fallback = 'Customer'): string {
  return values[0]?.value || fallback;
}

/** Only http(s) links are followed; anything else is shown as text. */
export function safeLink(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function CustomerValues(props: { values: readonly CustomerValue[]; compact?: boolean }) {
  return (
    <Show when={props.values.length > 0} fallback={<span class="muted">No details given</span>}>
      <dl class="customer-values" classList={{ compact: props.compact }}>
        <For each={props.values}>
          {(v) => (
            <div>
              <dt>{v.label}</dt>
              <dd>
                <Show when={safeLink(v.crmLink)} fallback={v.value}>
                  {(href) => (
                    <a href={href()} target="_blank" rel="noopener noreferrer" title={`Look up ${v.value} in the CRM (opens a new tab)`}>
                      {v.value}
                      <span class="visually-hidden"> (opens the CRM lookup in a new tab)</span>
                    </a>
                  )}
                </Show>
              </dd>
            </div>
          )}
        </For>
      </dl>
    </Show>
  );
}
