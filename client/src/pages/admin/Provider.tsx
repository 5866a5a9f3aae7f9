// The provider's profile (shown on the portal and in the agent) and its logo.
import { createResource, createSignal, Show } from 'solid-js';
import type { Provider } from '../../../../server/protocol/api.ts';
import { api, providerLogoUrl } from '../../api/endpoints.ts';
import { errorMessage } from '../../api/http.ts';
import { ImageUpload } from '../../components/ImageUpload.tsx';
import { ErrorMessage, Loading, PageHeader, TextAreaField, TextField } from '../../components/ui.tsx';
import { toast } from '../../lib/toasts.ts';

export function phoneProblem(value: string): string | null {
  return /^[0-9+()./ -]*$/.test(value.trim()) ? null : 'Use digits, spaces and + ( ) . / - only.';
}

export function websiteProblem(value: string): string | null {
  const v = value.trim();
  if (!v) return null;
  try {
    const url = new URL(v);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Use an http:// or https:// address.';
    if (!url.hostname.includes('.') || /\s/.test(v)) return 'Enter a full address, e.g. https://example.com';
    return null;
  } catch {
    return 'Enter a full address, e.g. https://example.com';
  }
}

export function ProviderPage() {
  const [provider, { mutate }] = createResource(api.provider);
  const [logoVersion, setLogoVersion] = createSignal(Date.now());
  return (
    <div class="page">
      <PageHeader title="Provider" subtitle="Your organisation as customers see it: on the portal, the help button and the agent." />
      <Show when={!provider.error} fallback={<ErrorMessage error={errorMessage(provider.error)} />}>
        <Show when={provider()} fallback={<Loading />}>
          {(p) => (
            <div class="grid two">
              <ProviderForm
                initial={p()}
                onSaved={(saved) => {
                  mutate(saved);
                  toast('Provider profile saved.');
                }}
              />
              <section class="card stack" aria-labelledby="logo-title">
                <h2 id="logo-title">Logo</h2>
                <ImageUpload
                  label="Logo"
                  currentUrl={p().hasLogo ? providerLogoUrl(logoVersion()) : null}
                  emptyText="No logo yet"
                  hint="PNG, JPEG, WebP or GIF, up to 2 MB. It is resized on the server."
                  onUpload={async (file) => {
                    const saved = await api.uploadProviderLogo(file);
                    mutate(saved);
                    setLogoVersion(Date.now());
                    toast('Logo uploaded.');
                  }}
                />
              </section>
            </div>
          )}
        </Show>
      </Show>
    </div>
  );
}

function ProviderForm(props: { initial: Provider; onSaved: (p: Provider) => void }) {
  const [name, setName] = createSignal(props.initial.name);
  const [address, setAddress] = createSignal(props.initial.address);
  const [phone, setPhone] = createSignal(props.initial.phone);
  const [website, setWebsite] = createSignal(props.initial.website);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!name().trim()) return setError('The provider needs a name.');
    const problem = phoneProblem(phone()) ?? websiteProblem(website());
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      props.onSaved(
        await api.updateProvider({ name: name().trim(), address: address().trim(), phone: phone().trim(), website: website().trim() }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card stack" aria-labelledby="provider-details">
      <h2 id="provider-details">Details</h2>
      <form class="stack" onSubmit={submit} noValidate>
        <TextField label="Provider name" value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={120} />
        <TextAreaField label="Address" rows={3} value={address()} onInput={(e) => setAddress(e.currentTarget.value)} maxLength={500} />
        <TextField
          label="Phone"
          type="tel"
          hint="Digits, spaces and + ( ) . / - only."
          value={phone()}
          onInput={(e) => setPhone(e.currentTarget.value)}
          error={phoneProblem(phone())}
          maxLength={40}
        />
        <TextField
          label="Web site"
          type="url"
          placeholder="https://example.com"
          value={website()}
          onInput={(e) => setWebsite(e.currentTarget.value)}
          error={websiteProblem(website())}
          maxLength={300}
        />
        <ErrorMessage error={error()} />
        <div class="actions start">
          <button type="submit" class="button primary" disabled={busy()}>
            {busy() ? 'Saving…' : 'Save provider'}
          </button>
        </div>
      </form>
    </section>
  );
}
