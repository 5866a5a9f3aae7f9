// File transfer in a session: send files to the customer (hashed here, uploaded in resumable chunks) and fetch
// what the customer sent. Progress comes from our own upload and from the server's file-progress pushes.
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { FileProgress } from '../../../../server/protocol/support.ts';
import { fileContentUrl, fileUploadUrl, supportApi, type SessionFile } from '../../api/support.ts';
import { ApiError, errorMessage } from '../../api/http.ts';
import { uploadChunks, UploadError } from '../../lib/chunkedUpload.ts';
import { onSessionEvent } from '../../live/liveStore.ts';
import { ErrorMessage } from '../ui.tsx';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** "driver.iso is 2.1 GB; the limit is 1.0 GB." from the server's "... limit of 1073741824 bytes". */
export function sizeLimitMessage(serverText: string, size: number): string {
  const limit = /limit of (\d+) bytes/.exec(serverText)?.[1];
  return limit
    ? `Too large to send: the file is ${formatBytes(size)}, the limit is ${formatBytes(Number(limit))}.`
    : `Too large to send: ${errorMessage(new Error(serverText)).replace(/\.$/, '')}.`;
}

const percent = (done: number, size: number) => (size === 0 ? 100 : Math.floor((done / size) * 100));

interface Upload {
  key: number;
  file: File;
  phase: 'hashing' | 'uploading' | 'done' | 'error';
  done: number;
  fileId: number | null;
  error: string | null;
  retryable: boolean;
}

/** Merges a file-progress push into the list (a file not seen yet asks for a reload). */
export function applyProgress(list: readonly SessionFile[], p: FileProgress): { list: SessionFile[]; unknown: boolean } {
  const at = list.findIndex((f) => f.id === p.fileId);
  if (at < 0) return { list: list as SessionFile[], unknown: true };
  const next = [...list];
  next[at] = { ...next[at]!, received: p.received, size: p.size, status: p.status };
  return { list: next, unknown: false };
}

export function FilesPanel(props: { sessionId: number; canSend: boolean }) {
  const [files, setFiles] = createSignal<SessionFile[]>([]);
  const [uploads, setUploads] = createSignal<Upload[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [dragging, setDragging] = createSignal(false);
  const [closed, setClosed] = createSignal(false);
  let nextKey = 1;
  let input!: HTMLInputElement;

  const load = async () => {
    try {
      setFiles(await supportApi.files(props.sessionId));
      setError(null);
      setClosed(false);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setClosed(true);
      else setError(errorMessage(e));
    }
  };
  onMount(() => void load());
  const off = onSessionEvent((event) => {
    if (event.type !== 'file-progress' || event.sessionId !== props.sessionId) return;
    const { list, unknown } = applyProgress(files(), event);
    setFiles(list);
    if (unknown) void load();
  });
  onCleanup(off);

  const patch = (key: number, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const send = async (upload: Upload) => {
    const { key, file } = upload;
    try {
      let fileId = upload.fileId;
      let startAt = 0;
      if (fileId === null) {
        patch(key, { phase: 'hashing', done: 0, error: null });
        // Loaded on first use: only a file transfer needs the digest, so no page load pays for it.
        const { sha256Hex } = await import('../../lib/fileDigest.ts');
        const sha256 = await sha256Hex(file, (done) => patch(key, { done }));
        const announced = await supportApi.announceFile(props.sessionId, { name: file.name, size: file.size, sha256 });
        fileId = announced.id;
        startAt = announced.received;
        patch(key, { fileId });
        setFiles((list) => (list.some((f) => f.id === announced.id) ? list : [...list, announced]));
        if (announced.status === 'complete') {
          patch(key, { phase: 'done', done: file.size });
          return;
        }
      }
      patch(key, { phase: 'uploading', done: startAt, error: null });
      const id = fileId;
      const probe = async () => (await supportApi.files(props.sessionId)).find((f) => f.id === id)?.received ?? 0;
      if (upload.fileId !== null) startAt = await probe().catch(() => 0);
      await uploadChunks({
        blob: file,
        url: (offset) => fileUploadUrl(props.sessionId, id, offset),
        startAt,
        probe,
        onProgress: (done) => patch(key, { done }),
      });
      patch(key, { phase: 'done', done: file.size });
      void load();
    } catch (e) {
      const retryable = e instanceof UploadError ? e.retryable : !(e instanceof ApiError) || e.status === 0 || e.status >= 500;
      const message = e instanceof ApiError && e.status === 413 ? sizeLimitMessage(e.message, file.size) : errorMessage(e);
      patch(key, { phase: 'error', error: message, retryable });
    }
  };

  const add = (list: FileList | File[] | null) => {
    if (!list || !props.canSend) return;
    for (const file of Array.from(list)) {
      const upload: Upload = { key: nextKey++, file, phase: 'hashing', done: 0, fileId: null, error: null, retryable: false };
      setUploads((all) => [...all, upload]);
      void send(upload);
    }
  };

  const uploading = () => uploads().filter((u) => u.phase !== 'done');
  const direction = (f: SessionFile) => (f.direction === 'to-customer' ? 'To customer' : 'From customer');

  return (
    <section class="card stack tight" aria-labelledby="files-title">
      <h2 id="files-title" class="section-title">
        Files
      </h2>
      <Show when={props.canSend}>
        <div
          class="drop-zone"
          classList={{ dragging: dragging() }}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            add(e.dataTransfer?.files ?? null);
          }}
        >
          <label for="send-files" class="button small">
            Choose files to send
          </label>
          <input
            ref={input}
            id="send-files"
            type="file"
            multiple
            class="visually-hidden"
            aria-label="Send files to the customer"
            onChange={(e) => {
              add(e.currentTarget.files);
              e.currentTarget.value = '';
            }}
          />
          <span class="muted small">or drop them here. Each file is checked with SHA-256 on arrival.</span>
        </div>
      </Show>
      <ErrorMessage error={error()} />
      <Show when={uploading().length > 0}>
        <ul class="file-list" aria-label="Uploads in progress">
          <For each={uploading()}>
            {(u) => (
              <li>
                <div class="file-row">
                  <span class="grow clamp">{u.file.name}</span>
                  <span class="muted small">
                    {u.phase === 'hashing' ? 'Checking…' : u.phase === 'error' ? 'Stopped' : `${percent(u.done, u.file.size)}%`}
                  </span>
                </div>
                <Show
                  when={u.phase !== 'hashing'}
                  fallback={<progress aria-label={`Checking ${u.file.name}`} />}
                >
                  <progress max={u.file.size || 1} value={u.done} aria-label={`Sending ${u.file.name}`} />
                </Show>
                <Show when={u.error}>
                  <p class="field-error" role="alert">
                    {u.error}{' '}
                    <Show when={u.retryable}>
                      <button type="button" class="button link small" onClick={() => void send(u)}>
                        Resume
                      </button>
                    </Show>
                  </p>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show
        when={files().length > 0}
        fallback={
          <p class="muted small">
            {closed() ? 'Only the engineers working in a live session see its files.' : 'No files in this session yet.'}
          </p>
        }
      >
        <ul class="file-list" aria-label="Session files">
          <For each={files()}>
            {(f) => (
              <li>
                <div class="file-row">
                  <span class="badge subtle">{direction(f)}</span>
                  <Show when={f.status === 'complete'} fallback={<span class="grow clamp">{f.name}</span>}>
                    <a class="grow clamp" href={fileContentUrl(props.sessionId, f.id)} download={f.name} title={`SHA-256 ${f.sha256}`}>
                      {f.name}
                    </a>
                  </Show>
                  <span class="muted small">{formatBytes(f.size)}</span>
                  <span class="small" classList={{ 'field-error': f.status === 'failed' }}>
                    {f.status === 'complete' ? 'verified' : f.status === 'failed' ? 'checksum failed' : `${percent(f.received, f.size)}%`}
                  </span>
                </div>
                <Show when={f.status === 'uploading'}>
                  <progress max={f.size || 1} value={f.received} aria-label={`Receiving ${f.name}`} />
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
