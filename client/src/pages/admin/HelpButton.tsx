// The help button generator: pick a desk, a style and a label or your own image; copy the snippet for your web
// site and see the real button (the served script, live desk state) in a preview frame.
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { supportApi } from '../../api/support.ts';
import { errorMessage } from '../../api/http.ts';
import { ErrorMessage, PageHeader, SelectField, TextField } from '../../components/ui.tsx';
import { desks, refreshDesks } from '../../lib/directory.ts';
import { copyText } from '../../lib/clipboard.ts';

export const BUTTON_STYLES = [
  { value: 'classic', label: 'Classic button' },
  { value: 'pill', label: 'Rounded pill' },
  { value: 'floating', label: 'Floating in the corner' },
  { value: 'minimal', label: 'Plain link' },
] as const;
type Style = (typeof BUTTON_STYLES)[number]['value'];

/** The preview page: the snippet on a plain page, framed without access to the console (sandboxed). */
export function previewDocument(snippet: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>body{font:14px system-ui,sans-serif;margin:16px;color:#1b2129;background:#fff}</style></head><body><p>Your page text… ${snippet}</p></body></html>`;
}

export function HelpButtonPage() {
  void refreshDesks();
  const [desk, setDesk] = createSignal('');
  const [style, setStyle] = createSignal<Style>('classic');
  const [look, setLook] = createSignal<'label' | 'image'>('label');
  const [label, setLabel] = createSignal('Get help');
  const [image, setImage] = createSignal('');
  const [snippet, setSnippet] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [copied, setCopied] = createSignal<boolean | null>(null);

  createEffect(() => {
    const list = desks();
    if (list?.length && !desk()) setDesk(String((list.find((d) => d.isDefault) ?? list[0])!.id));
  });

  // Ask the server for the snippet a moment after the last change.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ask = 0;
  createEffect(
    on([desk, style, look, label, image], () => {
      clearTimeout(timer);
      if (!desk()) return;
      timer = setTimeout(async () => {
        const mine = ++ask;
        try {
          const result = await supportApi.embedSnippet({
            desk: Number(desk()),
            style: style(),
            ...(look() === 'label' ? { label: label() } : { image: image().trim() }),
          });
          if (mine !== ask) return;
          setSnippet(result.snippet);
          setError(null);
          setCopied(null);
        } catch (e) {
          if (mine !== ask) return;
          setSnippet(null);
          setError(errorMessage(e));
        }
      }, 300);
    }),
  );
  onCleanup(() => clearTimeout(timer));

  return (
    <div class="page">
      <PageHeader title="Help button" subtitle="A button for any web site: it shows whether the desk has someone online and opens the portal for it." />
      <div class="grid two">
        <form class="card stack" aria-label="Help button options" onSubmit={(e) => e.preventDefault()}>
          <SelectField
            label="Desk"
            value={desk()}
            options={(desks() ?? []).map((d) => ({ value: String(d.id), label: d.name }))}
            onChange={setDesk}
          />
          <SelectField label="Style" value={style()} options={BUTTON_STYLES} onChange={setStyle} />
          <fieldset class="checkbox-group">
            <legend>Look</legend>
            <div class="checkbox">
              <input id="look-label" type="radio" name="look" checked={look() === 'label'} onChange={() => setLook('label')} />
              <label for="look-label">Text label</label>
            </div>
            <div class="checkbox">
              <input id="look-image" type="radio" name="look" checked={look() === 'image'} onChange={() => setLook('image')} />
              <label for="look-image">My own image</label>
            </div>
          </fieldset>
          <Show
            when={look() === 'label'}
            fallback={
              <TextField
                label="Image address"
                type="url"
                placeholder="https://www.example.com/help.png"
                hint="An http(s) address of your button picture. The preview may not show pictures from other sites; the snippet does."
                value={image()}
                maxLength={500}
                onInput={(e) => setImage(e.currentTarget.value)}
              />
            }
          >
            <TextField label="Button text" value={label()} maxLength={40} onInput={(e) => setLabel(e.currentTarget.value)} />
          </Show>
          <ErrorMessage error={error()} />
        </form>
        <section class="card stack" aria-labelledby="snippet-title">
          <h2 id="snippet-title">Snippet</h2>
          <Show when={snippet()} fallback={<p class="muted">{error() ? 'Fix the options to get a snippet.' : 'Choose a desk.'}</p>}>
            {(text) => (
              <>
                <label for="snippet-text" class="visually-hidden">
                  Snippet to paste
                </label>
                <textarea id="snippet-text" class="mono" rows={5} readOnly value={text()} onFocus={(e) => e.currentTarget.select()} />
                <div class="actions start">
                  <button type="button" class="button primary" onClick={async () => setCopied(await copyText(text()))}>
                    Copy snippet
                  </button>
                  <span class="hint" role="status">
                    {copied() === true ? 'Copied to the clipboard.' : copied() === false ? 'Copy failed: select the text and press Ctrl+C.' : ''}
                  </span>
                </div>
                <p class="muted small">Paste it into your page's HTML where the button should appear (the floating style sits in the corner).</p>
                <h3>Preview</h3>
                <For each={[text()]}>
                  {(t) => <iframe class="button-preview" title="Help button preview" sandbox="allow-scripts allow-popups" srcdoc={previewDocument(t)} />}
                </For>
              </>
            )}
          </Show>
        </section>
      </div>
    </div>
  );
}
