// An admin's view of how an engineer gets in: clear their sign-in throttle, see and revoke their API tokens.
import { createResource, createSignal, Show } from 'solid-js';
import type { ApiToken, Engineer } from '../../../../server/protocol/api.ts';
import { api } from '../../api/endpoints.ts';
import { errorMessage } from '../../api/http.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { tokenColumns } from '../../components/tokenColumns.tsx';
import { ErrorMessage, Loading } from '../../components/ui.tsx';
import { toast } from '../../lib/toasts.ts';

/** The server calls this dialog makes; tests pass their own. */
export interface EngineerAccessCalls {
  tokens: (engineerId: number) => Promise<ApiToken[]>;
  revoke: (engineerId: number, tokenId: number) => Promise<unknown>;
  unlock: (engineerId: number) => Promise<{ cleared: number }>;
}

const apiCalls: EngineerAccessCalls = {
  tokens: api.engineerTokens,
  revoke: api.revokeEngineerToken,
  unlock: api.unlockEngineerSignIn,
};

export function EngineerAccessDialog(props: { engineer: Engineer; onClose: () => void; calls?: EngineerAccessCalls }) {
  const calls = () => props.calls ?? apiCalls;
  const [tokens, { mutate }] = createResource(() => props.engineer.id, (id) => calls().tokens(id));
  const [revoking, setRevoking] = createSignal<ApiToken | null>(null);
  const [unlockError, setUnlockError] = createSignal<string | null>(null);
  const [unlocking, setUnlocking] = createSignal(false);

  const unlock = async () => {
    setUnlocking(true);
    setUnlockError(null);
    try {
      const { cleared } = await calls().unlock(props.engineer.id);
      toast(cleared > 0 ? `Sign-in of ${props.engineer.displayName} unlocked.` : `${props.engineer.displayName} was not locked out.`);
    } catch (e) {
      setUnlockError(errorMessage(e));
    } finally {
      setUnlocking(false);
    }
  };

  return (
    <Dialog title={`Sign-in and tokens of ${props.engineer.displayName}`} wide onClose={props.onClose}>
      <section class="stack" aria-label="Sign-in lockout">
        <p class="muted small">
          Wrong passwords lock the address they came from and slow down the account for new browsers. Unlocking
          clears both for {props.engineer.displayName} at once.
        </p>
        <div>
          <button type="button" class="button" disabled={unlocking()} onClick={unlock}>
            {unlocking() ? 'Unlocking…' : 'Unlock sign-in'}
          </button>
        </div>
        <ErrorMessage error={unlockError()} />
      </section>
      <section class="stack" aria-label="API tokens">
        <h3>API tokens</h3>
        <Show when={!tokens.error} fallback={<ErrorMessage error={errorMessage(tokens.error)} />}>
          <Show when={tokens()} fallback={<Loading />}>
            {(list) => (
              <DataTable
                label={`API tokens of ${props.engineer.displayName}`}
                rows={list()}
                rowKey={(t) => t.id}
                initialSort={{ id: 'created', desc: true }}
                columns={tokenColumns(setRevoking)}
                empty={<p class="muted">No live API tokens.</p>}
              />
            )}
          </Show>
        </Show>
      </section>
      <Show when={revoking()}>
        {(t) => (
          <ConfirmDialog
            title="Revoke token"
            message={
              <p>
                Revoke <strong>{t().name}</strong> of {props.engineer.displayName}? Anything using it stops working
                immediately. This cannot be undone.
              </p>
            }
            confirmLabel="Revoke token"
            danger
            onClose={() => setRevoking(null)}
            onConfirm={async () => {
              await calls().revoke(props.engineer.id, t().id);
              mutate((list) => list?.filter((x) => x.id !== t().id));
              toast(`Token “${t().name}” revoked.`);
            }}
          />
        )}
      </Show>
    </Dialog>
  );
}
