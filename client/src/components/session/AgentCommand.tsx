// "Copy agent command": for a customer who cannot use the portal's download, the command line that starts the agent
// and joins this session (a fresh join token each time). The command also stays on screen to select by hand, since
// the clipboard API is missing on plain http away from localhost.
import { createSignal, createUniqueId, Show } from 'solid-js';
import { errorMessage } from '../../api/http.ts';
import { sessionActionsApi, type SessionActionsApi } from '../../api/sessionActions.ts';
import { copyText } from '../../lib/clipboard.ts';
import { ErrorMessage } from '../ui.tsx';

/** The agent's command line for this server (the agent connects to <server>/ws/agent). */
export function agentCommand(server: string, token: string): string {
  return `./tessera-agent-linux-x64 --server ${server} --session ${token}`;
}

export function AgentCommand(props: { sessionId: number; server?: string; api?: Pick<SessionActionsApi, 'agentToken'> }) {
  const id = createUniqueId();
  const [command, setCommand] = createSignal<string | null>(null);
  const [copied, setCopied] = createSignal<boolean | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let field: HTMLInputElement | undefined;

  const copy = async () => {
    setBusy(true);
    setError(null);
    setCopied(null);
    try {
      const { token } = await (props.api ?? sessionActionsApi).agentToken(props.sessionId);
      const text = agentCommand(props.server ?? location.origin, token);
      setCommand(text);
      const ok = await copyText(text);
      setCopied(ok);
      if (!ok) field?.select();
    } catch (e) {
      setError(`Could not get a join token: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack tight" data-testid="agent-command">
      <div class="actions start">
        <button type="button" class="button small" disabled={busy()} onClick={() => void copy()}>
          {busy() ? 'Getting a token…' : 'Copy agent command'}
        </button>
        <Show when={copied() !== null}>
          <span class="muted small" role="status">
            {copied() ? 'Copied.' : 'Copying is not allowed here: select the command and copy it.'}
          </span>
        </Show>
      </div>
      <Show when={command()}>
        <label class="muted small" for={id}>
          For when the portal download cannot be used: run this on the customer's machine (from the repository:{' '}
          <code>npm run agent -- --server … --session …</code>). It joins this session until it ends.
        </label>
        <input id={id} class="mono" readonly value={command()!} ref={(el) => (field = el)} onFocus={(e) => e.currentTarget.select()} />
      </Show>
      <ErrorMessage error={error()} />
    </div>
  );
}
