// An admin reset this engineer's password: they must choose their own before anything else.
import { useNavigate } from '@solidjs/router';
import { api } from '../api/endpoints.ts';
import { ChangePasswordForm } from '../components/ChangePasswordForm.tsx';
import { endSession, me, setMe } from '../lib/session.ts';
import { toast } from '../lib/toasts.ts';

export function ForcedPasswordChange() {
  const navigate = useNavigate();
  const done = async () => {
    const user = me();
    try {
      setMe(await api.me());
    } catch {
      if (user) setMe({ ...user, mustChangePassword: false });
    }
    toast('Password changed.');
  };
  const signOut = async () => {
    try {
      await api.logout();
    } catch {
      // signed out locally either way
    }
    endSession();
    navigate('/login', { replace: true });
  };
  return (
    <main class="auth-page">
      <div class="card auth-card stack">
        <h1>Choose a new password</h1>
        <p class="muted">
          An administrator set a temporary password for <strong>{me()?.displayName}</strong>. Choose your own
          password to continue.
        </p>
        <ChangePasswordForm onDone={done} submitLabel="Set new password" />
        <button type="button" class="button link" onClick={signOut}>
          Sign out
        </button>
      </div>
    </main>
  );
}
