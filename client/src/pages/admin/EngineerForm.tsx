// Create or edit an engineer. Every engineer belongs to at least one desk or station; the form says so up front.
import { createSignal, Show } from 'solid-js';
import type { Desk, Engineer, Station } from '../../../../server/protocol/api.ts';
import { ROLES, type Role } from '../../../../server/protocol/roles.ts';
import { CheckboxGroup, ErrorMessage, newPasswordProblem, passwordHint, SelectField, TextField } from '../../components/ui.tsx';
import { createFieldErrors, type Problems } from '../../lib/fieldErrors.ts';
import { createAction } from '../../lib/createAction.ts';

export interface EngineerFormValues {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  deskIds: number[];
  stationIds: number[];
}

export const ROLE_LABELS: Record<Role, string> = {
  engineer: 'Engineer',
  supervisor: 'Supervisor',
  admin: 'Administrator',
};

export const ROLE_HINTS: Record<Role, string> = {
  engineer: 'Takes requests and runs sessions in their desks.',
  supervisor: 'An engineer who can also watch other engineers and their sessions.',
  admin: 'Full access, including these settings.',
};

export const MEMBERSHIP_RULE = 'Every engineer must belong to at least one desk or station.';
const USERNAME_PATTERN = /^[A-Za-z0-9._@-]+$/;

export type EngineerField = 'username' | 'displayName' | 'password' | 'membership';

/** The problems with the form's values, by field (none when they can be sent). */
export function engineerFormProblems(values: EngineerFormValues, mode: 'create' | 'edit'): Problems<EngineerField> {
  const username = values.username.trim();
  return {
    username:
      mode !== 'create'
        ? null
        : !username
          ? 'Enter a username.'
          : !USERNAME_PATTERN.test(username)
            ? 'Usernames use letters, digits and . _ @ - only.'
            : null,
    displayName: values.displayName.trim() ? null : 'Enter a display name.',
    password: mode === 'create' ? newPasswordProblem(values.password, username) : null,
    membership: values.deskIds.length === 0 && values.stationIds.length === 0 ? MEMBERSHIP_RULE : null,
  };
}

/** The first problem with the form's values, or null when they can be sent. */
export function engineerFormProblem(values: EngineerFormValues, mode: 'create' | 'edit'): string | null {
  return Object.values(engineerFormProblems(values, mode)).find(Boolean) ?? null;
}

export function EngineerForm(props: {
  mode: 'create' | 'edit';
  desks: readonly Desk[];
  stations: readonly Station[];
  initial?: Engineer;
  /** The signed-in admin editing themself cannot demote themself. */
  isSelf?: boolean;
  onSubmit: (values: EngineerFormValues) => Promise<void>;
  onCancel: () => void;
}) {
  const [username, setUsername] = createSignal(props.initial?.username ?? '');
  const [displayName, setDisplayName] = createSignal(props.initial?.displayName ?? '');
  const [password, setPassword] = createSignal('');
  const [role, setRole] = createSignal<Role>(props.initial?.role ?? 'engineer');
  const [deskIds, setDeskIds] = createSignal<number[]>(props.initial?.deskIds ?? []);
  const [stationIds, setStationIds] = createSignal<number[]>(props.initial?.stationIds ?? []);

  const values = (): EngineerFormValues => ({
    username: username().trim(),
    displayName: displayName().trim(),
    password: password(),
    role: role(),
    deskIds: deskIds(),
    stationIds: stationIds(),
  });
  const problems = createFieldErrors(() => engineerFormProblems(values(), props.mode));

  const save = createAction(async () => {
    await props.onSubmit(values());
  });
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    save.setError(null);
    if (problems.check(e.currentTarget as HTMLFormElement)) void save.run();
  };

  const unitOptions = (list: readonly Desk[]) =>
    [...list]
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name))
      .map((d) => ({ value: d.id, label: d.name, note: d.isDefault ? 'default' : undefined }));

  return (
    <form class="stack" onSubmit={submit} noValidate aria-label={props.mode === 'create' ? 'New engineer' : 'Edit engineer'}>
      <div class="grid two tight">
        <Show
          when={props.mode === 'create'}
          fallback={<TextField label="Username" value={username()} readOnly disabled hint="Usernames cannot be changed." />}
        >
          <TextField
            label="Username"
            autocomplete="off"
            value={username()}
            onInput={(e) => setUsername(e.currentTarget.value)}
            maxLength={64}
            autofocus
            hint="Letters, digits and . _ @ - (used to sign in)."
            error={problems.at('username')}
          />
        </Show>
        <TextField
          label="Display name"
          value={displayName()}
          onInput={(e) => setDisplayName(e.currentTarget.value)}
          maxLength={100}
          error={problems.at('displayName')}
        />
        <SelectField
          label="Role"
          value={role()}
          options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          onChange={setRole}
          hint={props.isSelf ? 'You cannot change your own role.' : ROLE_HINTS[role()]}
          disabled={props.isSelf}
        />
        <Show when={props.mode === 'create'}>
          <TextField
            label="Initial password"
            type="password"
            autocomplete="new-password"
            hint={`${passwordHint()} Give it to the engineer; they must choose their own at their first sign-in.`}
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
            error={problems.at('password')}
          />
        </Show>
      </div>
      <p class="rule" classList={{ 'rule-broken': !!problems.at('membership') }} id="membership-rule" role={problems.at('membership') ? 'alert' : undefined}>
        {MEMBERSHIP_RULE}
      </p>
      <div class="grid two tight">
        <CheckboxGroup legend="Desks" options={unitOptions(props.desks)} selected={deskIds()} onChange={setDeskIds} empty="No desks yet." />
        <CheckboxGroup
          legend="Stations"
          options={unitOptions(props.stations)}
          selected={stationIds()}
          onChange={setStationIds}
          empty="No stations yet."
        />
      </div>
      <ErrorMessage error={save.error()} />
      <div class="actions">
        <button type="button" class="button" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="submit" class="button primary" disabled={save.busy()}>
          {save.busy() ? 'Saving…' : props.mode === 'create' ? 'Create engineer' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
