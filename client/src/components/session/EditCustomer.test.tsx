import { describe, expect, it, vi } from 'vitest';
import type { IdentityFieldPublic, SessionSummary } from '../../../../server/protocol/support.ts';
import { ApiError } from '../../api/http.ts';
import { byLabel, byRole, flush, mount, submit, type } from '../../test/dom.ts';
import { EditCustomerDialog } from './EditCustomer.tsx';

const FIELDS: IdentityFieldPublic[] = [
  { slot: 1, label: 'Name', type: 'text', required: true, maxLength: 100, pattern: '', example: '' },
  { slot: 2, label: 'E-mail', type: 'email', required: false, maxLength: 200, pattern: '', example: '' },
];

describe('editing the customer details of a session', () => {
  it('starts from what the customer gave, sends every field trimmed, empty ones left out, and shows a refusal', async () => {
    const saved: Record<string, string>[] = [];
    let refuse = true;
    const api = {
      customerFields: async () => FIELDS,
      saveCustomer: async (_id: number, fields: Record<string, string>) => {
        saved.push(fields);
        if (refuse) throw new ApiError(422, 'E-mail: not an e-mail address');
        return { id: 3 } as SessionSummary;
      },
    };
    const onSaved = vi.fn();
    const view = mount(() => (
      <EditCustomerDialog sessionId={3} customer={[{ slot: 1, label: 'Name', value: 'Cody', crmLink: null }]} onClose={() => {}} onSaved={onSaved} api={api} />
    ));
    await flush();
    expect(byLabel(view.container.ownerDocument.body, 'Name').value).toBe('Cody');
    type(byLabel(document.body, 'Name'), '  Cody Callahan ');
    type(byLabel(document.body, 'E-mail (optional)'), 'nope');
    submit(document.body.querySelector('form')!);
    await flush();
    expect(saved[0]).toEqual({ '1': 'Cody Callahan', '2': 'nope' });
    expect(byRole(document.body, 'alert').textContent).toContain('not an e-mail address');
    expect(onSaved).not.toHaveBeenCalled();

    refuse = false;
    type(byLabel(document.body, 'E-mail (optional)'), '');
    submit(document.body.querySelector('form')!);
    await flush();
    expect(saved[1]).toEqual({ '1': 'Cody Callahan' });
    expect(onSaved).toHaveBeenCalledOnce();
    view.unmount();
  });
});
