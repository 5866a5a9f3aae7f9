// One customer's live session: the state pushed over /api/portal/ws (reconnecting with backoff), the chat
// lines caught up by REST after every (re)connect, and sending.
import { createSignal, getOwner, onCleanup, type Accessor } from 'solid-js';
import type { FileProgress, PortalSession, SessionLogEntry } from '../../../server/protocol/support.ts';
import { ApiError } from '../api/http.ts';
import { ReconnectingSocket, type SocketLike } from '../live/reconnectingSocket.ts';
import { portalApi, portalSocketUrl } from './api.ts';
import { lastId, mergeEntries } from './chatLog.ts';

export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface CustomerSession {
  session: Accessor<PortalSession>;
  entries: Accessor<SessionLogEntry[]>;
  link: Accessor<LinkState>;
  /** The latest file-progress push (a file moving in this session), for the files panel. */
  fileProgress: Accessor<FileProgress | null>;
  send(text: string): Promise<void>;
  /** Marks the built-in survey answered (the server does not push that). */
  surveyAnswered(): void;
  stop(): void;
}

export interface CustomerSessionOptions {
  /** The token no longer opens a session (expired, or the server forgot it). */
  onGone?: () => void;
  api?: Pick<typeof portalApi, 'log' | 'chat' | 'session'>;
  createSocket?: (url: string) => SocketLike;
  backoff?: { baseMs?: number; maxMs?: number };
}

export function createCustomerSession(token: string, initial: PortalSession, options: CustomerSessionOptions = {}): CustomerSession {
  const api = options.api ?? portalApi;
  const [session, setSession] = createSignal<PortalSession>(initial);
  const [entries, setEntries] = createSignal<SessionLogEntry[]>([]);
  const [link, setLink] = createSignal<LinkState>('connecting');
  const [fileProgress, setFileProgress] = createSignal<FileProgress | null>(null, { equals: false });
  let stopped = false;
  let catchingUp: Promise<void> | null = null;

  const addEntries = (incoming: SessionLogEntry[]) => setEntries((current) => mergeEntries(current, incoming));

  /** Fetches what was said while the socket was away. */
  const catchUp = (): Promise<void> =>
    (catchingUp ??= api
      .log(token, lastId(entries()))
      .then(
        (incoming) => void addEntries(incoming),
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 401) gone();
        },
      )
      .finally(() => (catchingUp = null)));

  const gone = () => {
    if (stopped) return;
    stop();
    options.onGone?.();
  };

  const socket = new ReconnectingSocket({
    url: () => portalSocketUrl(token),
    createSocket: options.createSocket,
    backoff: { baseMs: 1_000, maxMs: 30_000, ...options.backoff },
    onStatus: (status) => {
      if (status.state === 'open') {
        setLink('open');
        void catchUp();
      } else if (status.state === 'waiting') setLink('reconnecting');
      else if (status.state === 'connecting') setLink((now) => (now === 'open' ? 'reconnecting' : now));
    },
    onDrop: (failures) => {
      // A refused upgrade looks like any other drop; ask the REST side whether the session still exists.
      if (failures >= 2 && failures % 2 === 0)
        api.session(token).then(
          (s) => {
            setSession(s);
            if (s.status === 'ended') finish();
          },
          (error: unknown) => {
            if (error instanceof ApiError && error.status === 401) gone();
          },
        );
    },
    onMessage: (data) => {
      const message = data as { type?: string; session?: PortalSession; entries?: SessionLogEntry[] } & Partial<FileProgress>;
      if (message.type === 'session' && message.session) {
        setSession(message.session);
        if (message.session.status === 'ended') finish();
      } else if (message.type === 'log' && Array.isArray(message.entries)) {
        addEntries(message.entries);
      } else if (message.type === 'file-progress' && typeof message.fileId === 'number') {
        setFileProgress(message as FileProgress);
      }
    },
  });

  /** After the end nothing more is pushed: one last catch-up, then the socket closes. */
  const finish = () => {
    void catchUp();
    socket.stop();
    setLink('closed');
  };

  const stop = () => {
    stopped = true;
    socket.stop();
    setLink('closed');
  };

  // The first catch-up does not wait for the socket: the history shows at once after a reload.
  void catchUp();
  if (initial.status === 'ended') setLink('closed');
  else socket.start();
  if (getOwner()) onCleanup(stop);

  return {
    session,
    entries,
    link,
    fileProgress,
    async send(text: string) {
      const entry = await api.chat(token, text);
      addEntries([entry]);
    },
    surveyAnswered: () => setSession((s) => ({ ...s, surveyDone: true })),
    stop,
  };
}
