// The portal's texts: the notice board, contact details, the chat's welcome message and the survey address.
import { createResource, createSignal, Show } from 'solid-js';
import { supportApi, type PortalSettings } from '../../api/support.ts';
import { errorMessage } from '../../api/http.ts';
import { ErrorMessage, Loading, PageHeader, TextAreaField, TextField } from '../../components/ui.tsx';
import { toast } from '../../lib/toasts.ts';

export function surveyUrlProblem(value: string): string | null {
  const v = value.trim();
  if (!v) return null;
  return /^https?:\/\/\S+$/i.test(v) ? null : 'Use an http:// or https:// address, or leave it empty for the built-in survey.';
}

function SettingsForm(props: { initial: PortalSettings; onSaved: (s: PortalSettings) => void }) {
  const [notice, setNotice] = createSignal(props.initial.notice);
  const [contact, setContact] = createSignal(props.initial.contact);
  const [welcome, setWelcome] = createSignal(props.initial.welcomeMessage);
  const [survey, setSurvey] = createSignal(props.initial.surveyUrl);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const problem = surveyUrlProblem(survey());
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      props.onSaved(
        await supportApi.savePortalSettings({ notice: notice(), contact: contact(), welcomeMessage: welcome().trim(), surveyUrl: survey().trim() }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card stack" onSubmit={submit} noValidate aria-label="Portal settings">
      <TextAreaField label="Notice board" rows={4} maxLength={4000} hint="Shown at the top of the portal, e.g. planned maintenance." value={notice()} onInput={(e) => setNotice(e.currentTarget.value)} />
      <TextAreaField label="Contact details" rows={3} maxLength={1000} hint="Opening hours, phone, e-mail." value={contact()} onInput={(e) => setContact(e.currentTarget.value)} />
      <TextAreaField
        label="Welcome message"
        rows={2}
        maxLength={1000}
        hint="Sent in the engineer's name when a customer meets their engineer. Leave empty for none."
        value={welcome()}
        onInput={(e) => setWelcome(e.currentTarget.value)}
      />
      <TextField
        label="Survey address"
        type="url"
        placeholder="https://survey.example.com/…"
        hint="Your own survey, opened after a session. Empty: the built-in survey (rating and comment)."
        maxLength={500}
        value={survey()}
        error={surveyUrlProblem(survey())}
        onInput={(e) => setSurvey(e.currentTarget.value)}
      />
      <ErrorMessage error={error()} />
      <div class="actions start">
        <button type="submit" class="button primary" disabled={busy()}>
          {busy() ? 'Saving…' : 'Save portal settings'}
        </button>
        <a class="button" href="/portal" target="_blank" rel="noopener">
          Open the portal
        </a>
      </div>
    </form>
  );
}

export function PortalSettingsPage() {
  const [settings, { mutate }] = createResource(supportApi.portalSettings);
  return (
    <div class="page">
      <PageHeader title="Portal" subtitle="What customers read on the help portal; changes are live at once." />
      <Show when={!settings.error} fallback={<ErrorMessage error={errorMessage(settings.error)} />}>
        <Show when={settings()} fallback={<Loading />}>
          {(s) => (
            <SettingsForm
              initial={s()}
              onSaved={(saved) => {
                mutate(saved);
                toast('Portal settings saved.');
              }}
            />
          )}
        </Show>
      </Show>
    </div>
  );
}
