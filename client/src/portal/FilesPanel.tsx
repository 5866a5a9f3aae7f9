// Files in the session: what the engineer sends (downloaded with the customer token) and what the customer
// sends (hashed, then uploaded in resumable chunks), with live progress from both sides.
import { createEffect, createSignal, createUniqueId, For, on, Show } from 'solid-js';
import type { SupportStatus } from '../../../server/protocol/support.ts';
import { errorMessage } from '../api/http.ts';
import type { CustomerSession } from './customerSession.ts';
import { fileApi, formatBytes, saveBlob, uploadFile, type SessionFile } from './fileTransfer.ts';

interface Sending {
  key: number;
  name: string;
  size: number;
  phase: 'preparing' | 'sending';
  done: number;
  fileId: number | null;
}

const percent = (done: number, size: number) => (size ? Math.floor((done / size) * 100) : 100);

export function FilesPanel(props: { live: CustomerSession; token: string; status: SupportStatus; api?: typeof fileApi }) {
  const api = () => props.api ?? fileApi;
  const id = createUniqueId();
  const [files, setFiles] = createSignal<SessionFile[]>([]);
  const [sending, setSending] = createSignal<Sending[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busyDownload, setBusyDownload] = createSignal<number | null>(null);
  let nextKey = 1;

  const load = async () => {
    try {
      setFiles(await api().list(props.token));
    } catch {
      // the list comes again with the next push or reconnect
    }
  };

  // Load at start and after each reconnect (pushes may have been missed).
  createEffect(on(props.live.link, (link) => link === 'open' && void load()));
  createEffect(
    on(props.live.fileProgress, (p) => {
      if (!p) return;
      const list = files();
      const at = list.findIndex((f) => f.id === p.fileId);
      if (at < 0) return void load();
      setFiles(list.map((f, i) => (i === at ? { ...f, received: p.received, size: p.size, status: p.status } : f)));
    }),
  );
  void load();

  const patch = (key: number, change: Partial<Sending>) => setSending((all) => all.map((s) => (s.key === key ? { ...s, ...change } : s)));

  const send = async (file: File) => {
    const key = nextKey++;
    setError(null);
    setSending((all) => [...all, { key, name: file.name, size: file.size, phase: 'preparing', done: 0, fileId: null }]);
    try {
      await uploadFile(
        props.token,
        file,
        {
          onHashing: (done) => patch(key, { done }),
          onAnnounced: (announced) => {
            patch(key, { phase: 'sending', done: announced.received, fileId: announced.id });
            void load();
          },
          onProgress: (done) => patch(key, { done }),
        },
        api(),
      );
    } catch (e) {
      setError(`${file.name}: ${errorMessage(e)}`);
    } finally {
      setSending((all) => all.filter((s) => s.key !== key));
      void load();
    }
  };

  const download = async (file: SessionFile) => {
    setBusyDownload(file.id);
    setError(null);
    try {
      saveBlob(await api().content(props.token, file.id), file.name);
    } catch (e) {
      setError(`${file.name}: ${errorMessage(e)}`);
    } finally {
      setBusyDownload(null);
    }
  };

  /** The server's rows, less those this page is sending right now (shown above with their own progress). */
  const visibleFiles = () => files().filter((f) => !sending().some((s) => s.fileId === f.id));

  return (
    <Show when={props.status === 'active' || files().length}>
      <section class="card stack files" aria-labelledby={`${id}-title`}>
        <div class="files-head">
          <h2 id={`${id}-title`}>Files</h2>
          <Show when={props.status === 'active'}>
            <label class="button file-pick" for={`${id}-pick`}>
              Send a file
            </label>
            <input
              id={`${id}-pick`}
              type="file"
              class="visually-hidden"
              multiple
              onChange={(e) => {
                const picked = Array.from(e.currentTarget.files ?? []);
                e.currentTarget.value = '';
                for (const file of picked) void send(file);
              }}
            />
          </Show>
        </div>
        <Show when={!files().length && !sending().length}>
          <p class="muted small">Files you and the engineer send each other appear here.</p>
        </Show>
        <ul class="file-list">
          <For each={sending()}>
            {(s) => (
              <li class="file-row">
                <span class="file-name">{s.name}</span>
                <span class="muted small">{s.phase === 'preparing' ? 'Preparing…' : `Sending… ${formatBytes(s.done)} of ${formatBytes(s.size)}`}</span>
                <progress max={100} value={percent(s.done, s.size)} aria-label={`Sending ${s.name}`} />
              </li>
            )}
          </For>
          <For each={visibleFiles()}>
            {(f) => (
              <li class="file-row">
                <span class="file-name">{f.name}</span>
                <span class="muted small">
                  {formatBytes(f.size)} · {f.direction === 'to-customer' ? 'from the engineer' : 'from you'}
                </span>
                <Show when={f.status === 'uploading'}>
                  <progress max={100} value={percent(f.received, f.size)} aria-label={`Receiving ${f.name}`} />
                </Show>
                <Show when={f.status === 'failed'}>
                  <span class="field-error">Damaged on the way and discarded</span>
                </Show>
                <Show when={f.status === 'complete' && f.direction === 'to-customer'}>
                  <button type="button" class="button small-button" disabled={busyDownload() === f.id} aria-label={`Download ${f.name}`} onClick={() => void download(f)}>
                    Download
                  </button>
                </Show>
                <Show when={f.status === 'complete' && f.direction === 'from-customer'}>
                  <span class="ok-text small">Sent, checked</span>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={error()}>
          <p class="error-message" role="alert">
            {error()}
          </p>
        </Show>
      </section>
    </Show>
  );
}
