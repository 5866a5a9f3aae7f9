import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Desk, Engineer } from '../../../../server/protocol/api.ts';
import { ApiError } from '../../api/http.ts';
import { byLabel, byRole, check, flush, mount, queryText, submit, type } from '../../test/dom.ts';
import { EngineerForm, engineerFormProblem, MEMBERSHIP_RULE, type EngineerFormValues } from './EngineerForm.tsx';

const desks: Desk[] = [
  { id: 1, name: 'General', description: '', isDefault: true },
  { id: 2, name: 'Tier 1', description: '', isDefault: false },
];
const stations: Desk[] = [{ id: 7, name: 'Main', description: '', isDefault: true }];

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function setup(props: Partial<Parameters<typeof EngineerForm>[0]> = {}) {
  const onSubmit = vi.fn(async (_: EngineerFormValues) => {});
  const onCancel = vi.fn();
  const view = mount(() => <EngineerForm mode="create" desks={desks} stations={stations} onSubmit={onSubmit} onCancel={onCancel} {...props} />);
  cleanup = view.unmount;
  const form = view.container.querySelector('form')!;
  return { ...view, form, onSubmit, onCancel };
}

function fillBasics(root: HTMLElement) {
  type(byLabel(root, 'Username'), 'erin');
  type(byLabel(root, 'Display name'), 'Erin Engineer');
  type(byLabel(root, 'Initial password'), 'blue-lagoon-4821');
}

describe('engineerFormProblem', () => {
  const ok: EngineerFormValues = { username: 'erin', displayName: 'Erin', password: 'blue-lagoon-4821', role: 'engineer', deskIds: [2], stationIds: [] };
  it('accepts a complete engineer with a desk or with only a station', () => {
    expect(engineerFormProblem(ok, 'create')).toBeNull();
    expect(engineerFormProblem({ ...ok, deskIds: [], stationIds: [7] }, 'create')).toBeNull();
  });
  it('requires at least one desk or station', () => {
    expect(engineerFormProblem({ ...ok, deskIds: [], stationIds: [] }, 'create')).toBe(MEMBERSHIP_RULE);
    expect(engineerFormProblem({ ...ok, deskIds: [], stationIds: [] }, 'edit')).toBe(MEMBERSHIP_RULE);
  });
  it('checks username, name and password when creating', () => {
    expect(engineerFormProblem({ ...ok, username: '' }, 'create')).toMatch(/username/i);
    expect(engineerFormProblem({ ...ok, username: 'bad name' }, 'create')).toMatch(/letters, digits/);
    expect(engineerFormProblem({ ...ok, displayName: '  ' }, 'create')).toMatch(/display name/i);
    expect(engineerFormProblem({ ...ok, password: 'short' }, 'create')).toMatch(/at least 10/);
    expect(engineerFormProblem({ ...ok, password: 'xx-erin-xxxxx' }, 'create')).toMatch(/username/);
    expect(engineerFormProblem({ ...ok, password: '' }, 'edit')).toBeNull(); // no password when editing
  });
});

describe('EngineerForm', () => {
  it('states the membership rule up front', () => {
    const { container } = setup();
    expect(queryText(container, MEMBERSHIP_RULE)).toBe(true);
  });

  it('refuses to submit without a desk or station and says why', async () => {
    const { container, form, onSubmit } = setup();
    fillBasics(container);
    submit(form);
    await flush();
    expect(onSubmit).not.toHaveBeenCalled();
    expect(byRole(container, 'alert').textContent).toBe(MEMBERSHIP_RULE);
    expect(container.querySelector('.rule')?.classList.contains('rule-broken')).toBe(true);
  });

  it('shows each problem at its field, focuses the first, and drops it as soon as the field is right', async () => {
    const { container, form, onSubmit } = setup();
    check(byLabel(byRole(container, 'group', 'Desks'), 'General'));
    submit(form);
    await flush();
    expect(onSubmit).not.toHaveBeenCalled();
    const username = byLabel(container, 'Username');
    expect(username.getAttribute('aria-invalid')).toBe('true');
    const describedBy = username.getAttribute('aria-describedby')!.split(' ');
    const error = describedBy.map((id) => container.ownerDocument.getElementById(id)).find((el) => el?.classList.contains('field-error'));
    expect(error?.textContent).toBe('Enter a username.');
    expect(container.ownerDocument.activeElement).toBe(username);
    expect(byLabel(container, 'Initial password').getAttribute('aria-invalid')).toBe('true');
    // No banner repeating the first problem.
    expect(container.querySelector('.error-message')).toBeNull();
    type(username, 'erin');
    await flush();
    expect(queryText(container, 'Enter a username.')).toBe(false);
    expect(username.getAttribute('aria-invalid')).toBeNull();
    // The password rule now names the username just typed.
    type(byLabel(container, 'Initial password'), 'erin-is-here-1');
    await flush();
    expect(queryText(container, 'The password must not contain the username.')).toBe(true);
  });

  it('says the password rule, username included, before anything is typed', () => {
    const { container } = setup();
    const hintId = byLabel(container, 'Initial password').getAttribute('aria-describedby')!;
    expect(container.ownerDocument.getElementById(hintId)?.textContent).toMatch(/At least 10 characters, not containing the username/);
  });

  it('submits the chosen desks and stations', async () => {
    const { container, form, onSubmit } = setup();
    fillBasics(container);
    check(byLabel(byRole(container, 'group', 'Desks'), 'Tier 1'));
    check(byLabel(byRole(container, 'group', 'Stations'), 'Main'));
    submit(form);
    await flush();
    expect(onSubmit).toHaveBeenCalledWith({
      username: 'erin',
      displayName: 'Erin Engineer',
      password: 'blue-lagoon-4821',
      role: 'engineer',
      deskIds: [2],
      stationIds: [7],
    });
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });

  it("shows the server's reason when saving fails", async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(409, 'username erin is taken');
    });
    const { container, form } = setup({ onSubmit });
    fillBasics(container);
    check(byLabel(byRole(container, 'group', 'Desks'), 'General'));
    submit(form);
    await flush();
    expect(byRole(container, 'alert').textContent).toBe('Username erin is taken.');
  });

  it('edits an existing engineer without a password and keeps their memberships', async () => {
    const initial: Engineer = {
      id: 5,
      username: 'erin',
      displayName: 'Erin',
      role: 'supervisor',
      disabled: false,
      deskIds: [1],
      stationIds: [],
      createdAt: '2025-01-01T00:00:00Z',
    };
    const { container, form, onSubmit } = setup({ mode: 'edit', initial });
    expect(byLabel(container, 'Username').disabled).toBe(true);
    expect(container.querySelector('input[type="password"]')).toBeNull();
    expect(byLabel(byRole(container, 'group', 'Desks'), 'General').checked).toBe(true);
    check(byLabel(byRole(container, 'group', 'Desks'), 'General'), false);
    submit(form);
    await flush();
    expect(onSubmit).not.toHaveBeenCalled();
    check(byLabel(byRole(container, 'group', 'Desks'), 'Tier 1'));
    submit(form);
    await flush();
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ role: 'supervisor', deskIds: [2], stationIds: [] }));
  });
});
