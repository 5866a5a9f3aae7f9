// Pick an image, see it, upload it. Checks type and size before sending; the server's reason shows on failure.
import { createSignal, createUniqueId, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../api/http.ts';
import { ErrorMessage } from './ui.tsx';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export function imageProblem(file: { type: string; size: number }, maxBytes = MAX_IMAGE_BYTES): string | null {
  if (!file.type.startsWith('image/')) return 'Choose an image file (PNG, JPEG, WebP or GIF).';
  if (file.size > maxBytes) return `The image is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is ${Math.round(maxBytes / 1024 / 1024)} MB.`;
  if (file.size === 0) return 'The file is empty.';
  return null;
}

export function ImageUpload(props: {
  label: string;
  /** URL of the current image, or null when there is none. */
  currentUrl: string | null;
  emptyText: string;
  onUpload: (file: File) => Promise<void>;
  shape?: 'round' | 'wide';
  hint?: string;
}) {
  const id = createUniqueId();
  let input!: HTMLInputElement;
  const [file, setFile] = createSignal<File | null>(null);
  const [preview, setPreview] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [currentFailed, setCurrentFailed] = createSignal(false);

  const clearPreview = () => {
    const url = preview();
    if (url) URL.revokeObjectURL(url);
    setPreview(null);
  };
  onCleanup(clearPreview);

  const choose = (chosen: File | undefined) => {
    clearPreview();
    setError(null);
    setFile(null);
    if (!chosen) return;
    const problem = imageProblem(chosen);
    if (problem) {
      setError(problem);
      input.value = '';
      return;
    }
    setFile(chosen);
    setPreview(URL.createObjectURL(chosen));
  };

  const upload = async () => {
    const chosen = file();
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      await props.onUpload(chosen);
      clearPreview();
      setFile(null);
      setCurrentFailed(false);
      input.value = '';
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const shown = () => preview() ?? (props.currentUrl && !currentFailed() ? props.currentUrl : null);

  return (
    <div class="image-upload">
      <div class={`image-preview ${props.shape ?? 'wide'}`}>
        <Show when={shown()} fallback={<span class="muted small">{props.emptyText}</span>}>
          {(src) => (
            <img
              src={src()}
              alt={preview() ? `Preview of the new ${props.label.toLowerCase()}` : `Current ${props.label.toLowerCase()}`}
              onError={() => !preview() && setCurrentFailed(true)}
            />
          )}
        </Show>
      </div>
      <div class="stack tight">
        <label for={id} class="field-label">
          {props.label} image file
        </label>
        <input
          ref={input}
          id={id}
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          aria-describedby={`${id}-hint`}
          onChange={(e) => choose(e.currentTarget.files?.[0])}
        />
        <p class="hint" id={`${id}-hint`}>
          {props.hint ?? 'PNG, JPEG, WebP or GIF, up to 2 MB.'}
        </p>
        <ErrorMessage error={error()} />
        <div class="actions start">
          <button type="button" class="button primary" disabled={!file() || busy()} onClick={upload}>
            {busy() ? 'Uploading…' : `Upload ${props.label.toLowerCase()}`}
          </button>
          <Show when={file()}>
            <button
              type="button"
              class="button"
              onClick={() => {
                choose(undefined);
                input.value = '';
              }}
            >
              Cancel
            </button>
          </Show>
        </div>
      </div>
    </div>
  );
}
