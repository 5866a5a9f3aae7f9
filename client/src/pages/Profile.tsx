// Your own profile: names, signature, avatar, notifications and password.
import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { api, avatarUrl } from '../api/endpoints.ts';
import { errorMessage } from '../api/http.ts';
import { AlertSettings } from '../components/AlertSettings.tsx';
import { ChangePasswordForm } from '../components/ChangePasswordForm.tsx';
import { ImageUpload } from '../components/ImageUpload.tsx';
import { ErrorMessage, PageHeader, TextAreaField, TextField } from '../components/ui.tsx';
import { avatarVersion, bumpAvatar, me, setMe } from '../lib/session.ts';
import { toast } from '../lib/toasts.ts';

export function ProfilePage() {
  const user = me();
  const [displayName, setDisplayName] = createSignal(user?.displayName ?? '');
  const [nickname, setNickname] = createSignal(user?.nickname ?? '');
  const [signature, setSignature] = createSignal(user?.signature ?? '');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!displayName().trim()) return setError('The display name cannot be empty.');
    setBusy(true);
    setError(null);
    try {
      const updated = await api.updateProfile({
        displayName: displayName().trim(),
        nickname: nickname().trim(),
        signature: signature(),
      });
      setMe(updated);
      toast('Profile saved.');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const uploadAvatar = async (file: File) => {
    const updated = await api.uploadAvatar(file);
    setMe(updated);
    bumpAvatar();
    toast('Avatar updated.');
  };

  return (
    <div class="page">
      <PageHeader title="Profile" subtitle={`Signed in as ${me()?.username ?? ''} (${me()?.role ?? ''})`}>
        <A href="/profile/tokens" class="button">
          API tokens
        </A>
      </PageHeader>
      <div class="grid two">
        <section class="card stack" aria-labelledby="profile-details">
          <h2 id="profile-details">Details</h2>
          <form class="stack" onSubmit={save} noValidate>
            <TextField label="Display name" value={displayName()} onInput={(e) => setDisplayName(e.currentTarget.value)} maxLength={100} />
            <TextField
              label="Nickname"
              hint="What customers see in chat, if you prefer it to your display name."
              value={nickname()}
              onInput={(e) => setNickname(e.currentTarget.value)}
              maxLength={40}
            />
            <TextAreaField
              label="Signature"
              hint="Added to your messages and e-mails."
              rows={4}
              value={signature()}
              onInput={(e) => setSignature(e.currentTarget.value)}
              maxLength={1000}
            />
            <ErrorMessage error={error()} />
            <div class="actions start">
              <button type="submit" class="button primary" disabled={busy()}>
                {busy() ? 'Saving…' : 'Save profile'}
              </button>
            </div>
          </form>
        </section>
        <div class="stack">
          <section class="card stack" aria-labelledby="profile-avatar">
            <h2 id="profile-avatar">Avatar</h2>
            <Show when={me()}>
              {(u) => (
                <ImageUpload
                  label="Avatar"
                  shape="round"
                  currentUrl={u().hasAvatar ? avatarUrl(u().id, avatarVersion()) : null}
                  emptyText="No avatar"
                  onUpload={uploadAvatar}
                />
              )}
            </Show>
          </section>
          <AlertSettings />
          <section class="card stack" aria-labelledby="profile-password">
            <h2 id="profile-password">Password</h2>
            <ChangePasswordForm onDone={() => toast('Password changed.')} />
          </section>
        </div>
      </div>
    </div>
  );
}
