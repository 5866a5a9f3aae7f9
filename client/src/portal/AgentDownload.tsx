// "Remote assistance": the support app for this session, with its configuration already inside (the customer runs
// it; nothing to type, nothing installed), and what it will and will not do.
import { createResource, createSignal, For, Show } from 'solid-js';
import { portalApi } from './api.ts';

const PLATFORM_NAMES: Record<string, string> = {
  'linux-x64': 'Linux (64-bit)',
  'linux-arm64': 'Linux (ARM)',
  'windows-x64': 'Windows',
  'darwin-x64': 'macOS (Intel)',
  'darwin-arm64': 'macOS (Apple silicon)',
};

export function platformName(platform: string): string {
  return PLATFORM_NAMES[platform] ?? platform;
}

export function AgentDownload(props: { token: string }) {
  const [platforms] = createResource(() => portalApi.agentPlatforms().catch(() => null));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');
  const [started, setStarted] = createSignal(false);

  // The server lists only builds for the customer's own system (e.g. both macOS builds), so the first one is
  // never a binary that cannot run here.
  const choices = () => platforms()?.platforms ?? [];
  const preferred = () => choices().find((p) => p.platform === platforms()?.suggested) ?? choices()[0];

  async function download(platform: string) {
    setBusy(true);
    setError('');
    try {
      const { url } = await portalApi.agentDownload(props.token, platform);
      // A one-time link: the browser saves the file itself (no copy of ~100 MB in this page's memory).
      const a = document.createElement('a');
      a.href = url;
      a.download = '';
      document.body.append(a);
      a.click();
      a.remove();
      setStarted(true);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="notice remote-notice" data-testid="agent-download">
      <h2>Remote assistance</h2>
      <Show
        when={!platforms.loading && preferred()}
        fallback={
          <p data-testid="agent-unavailable">
            {platforms.loading
              ? 'Looking for the support app…'
              : platforms()?.system
                ? `There is no support app for ${platforms()!.system} yet, so the engineer cannot see your screen this time. Stay in this chat: the engineer will help you here.`
                : 'The engineer will guide you through the next step in this chat (no support app is available for download on this server).'}
          </p>
        }
      >
        {(best) => (
          <>
            <p>
              To let the engineer see your screen, run the support app. It connects to this conversation only, asks you
              before the engineer may see or control anything, shows who is connected, and has a <strong>Stop all</strong>{' '}
              button. It installs nothing and removes itself from memory when the session ends.
            </p>
            <div class="actions start">
              <button type="button" class="button primary" disabled={busy()} onClick={() => download(best().platform)} data-testid="agent-download-button">
                {busy() ? 'Preparing…' : `Download for ${platformName(best().platform)}`}
              </button>
              <span class="muted small">{Math.round(best().bytes / 1024 / 1024)} MB</span>
            </div>
            <Show when={choices().length > 1}>
              <p class="muted small">
                Other builds:{' '}
                <For each={choices().filter((c) => c.platform !== best().platform)}>
                  {(c) => (
                    <button type="button" class="link-button" disabled={busy()} onClick={() => download(c.platform)}>
                      {platformName(c.platform)}
                    </button>
                  )}
                </For>
              </p>
            </Show>
            <Show when={started()}>
              <p role="status">
                The download has started. Open the file when it is done (on Linux: make it executable with{' '}
                <code>chmod +x tessera-support</code>, then run it).
              </p>
            </Show>
          </>
        )}
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </div>
  );
}
