import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_QUICK_TEXTS, type CannedReply, type IdentityField } from '../../api/support.ts';
import { ApiError } from '../../api/http.ts';
import { CannedRepliesPicker } from '../../components/session/QuickTexts.tsx';
import { byLabel, byRole, check, flush, mount, submit, type } from '../../test/dom.ts';
import { crmPreview, hasProblems, identityFieldProblems, IdentityFieldsEditor } from './IdentityFields.tsx';
import { checkReply, checkUrl, limitText, moveItem, QuickListEditor } from './QuickTexts.tsx';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

const field = (slot: 1 | 2 | 3 | 4, change: Partial<IdentityField> = {}): IdentityField => ({
  slot,
  shown: slot <= 2,
  required: slot === 1,
  label: ['Name', 'E-mail', 'Phone', 'Customer number'][slot - 1]!,
  type: slot === 2 ? 'email' : 'text',
  maxLength: 100,
  pattern: '',
  example: '',
  crmUrl: '',
  ...change,
});
const fields = () => [field(1), field(2), field(3), field(4)];

describe('identity field checks', () => {
  it('accepts the defaults and a full field', () => {
    expect(hasProblems(fields())).toBe(false);
    expect(identityFieldProblems(field(3, { shown: true, pattern: 'C-[0-9]{6}', example: 'C-123456', crmUrl: 'https://crm.example/find?q={value}' }))).toEqual({});
  });
  it('names each problem by input', () => {
    expect(identityFieldProblems(field(1, { label: '  ' })).label).toMatch(/label/);
    expect(identityFieldProblems(field(1, { maxLength: 0 })).maxLength).toMatch(/1 to 500/);
    expect(identityFieldProblems(field(1, { maxLength: 501 })).maxLength).toBeDefined();
    expect(identityFieldProblems(field(1, { pattern: '([a-z' })).pattern).toMatch(/Not a valid regular expression/);
    expect(identityFieldProblems(field(1, { pattern: 'C-[0-9]{6}' })).example).toMatch(/example/);
    expect(identityFieldProblems(field(1, { pattern: 'C-[0-9]{6}', example: 'C-12' })).example).toMatch(/does not match/);
    expect(identityFieldProblems(field(1, { crmUrl: 'crm.example/{value}' })).crmUrl).toMatch(/http/);
    expect(identityFieldProblems(field(1, { crmUrl: 'https://crm.example/' })).crmUrl).toMatch(/\{value\}/);
    expect(identityFieldProblems(field(3, { shown: false, required: true })).required).toMatch(/must be shown/);
  });
  it('builds the CRM link with the value encoded', () => {
    expect(crmPreview('https://crm.example/find?q={value}', 'Jane & Co')).toBe('https://crm.example/find?q=Jane%20%26%20Co');
  });
});

describe('IdentityFieldsEditor', () => {
  function setup(onSave = vi.fn(async (_: IdentityField[]) => {})) {
    const view = mount(() => <IdentityFieldsEditor initial={fields()} onSave={onSave} />);
    cleanup = view.unmount;
    const form = view.container.querySelector('form')!;
    const slot = (n: number) => byRole(view.container, 'group', `Field ${n}`);
    return { ...view, form, onSave, slot };
  }

  it('marks bad inputs and does not save until they are fixed', async () => {
    const { container, form, onSave, slot } = setup();
    type(byLabel(slot(3), 'Pattern (regular expression, optional)'), '([0-9');
    type(byLabel(slot(4), 'CRM lookup address (optional)'), 'https://crm.example/customers');
    submit(form);
    await flush();
    expect(onSave).not.toHaveBeenCalled();
    expect(byRole(container, 'alert').textContent).toMatch(/need a fix/);
    expect(byLabel(slot(3), 'Pattern (regular expression, optional)').getAttribute('aria-invalid')).toBe('true');
    expect(slot(4).textContent).toContain('Put {value} where');

    type(byLabel(slot(3), 'Pattern (regular expression, optional)'), '[0-9]{4}');
    type(byLabel(slot(4), 'CRM lookup address (optional)'), 'https://crm.example/customers/{value}');
    expect(slot(4).textContent).toContain('https://crm.example/customers/Jane%20Doe');
    // A pattern asks for an example customers can read, one that matches it.
    submit(form);
    await flush();
    expect(onSave).not.toHaveBeenCalled();
    expect(byLabel(slot(3), 'Example of a right value').getAttribute('aria-invalid')).toBe('true');
    type(byLabel(slot(3), 'Example of a right value'), '12');
    await flush();
    expect(slot(3).textContent).toContain('The example does not match the pattern.');
    type(byLabel(slot(3), 'Example of a right value'), '1234');
    submit(form);
    await flush();
    expect(onSave).toHaveBeenCalledTimes(1);
    const saved = onSave.mock.calls[0]![0];
    expect(saved.map((f) => f.slot)).toEqual([1, 2, 3, 4]);
    expect(saved[2]).toMatchObject({ pattern: '[0-9]{4}', example: '1234' });
    expect(saved[3]).toMatchObject({ crmUrl: 'https://crm.example/customers/{value}' });
  });

  it('requiring a field shows it; hiding it makes it optional', async () => {
    const { form, onSave, slot } = setup();
    check(byLabel(slot(3), 'Required'));
    expect(byLabel(slot(3), 'Shown').checked).toBe(true);
    check(byLabel(slot(1), 'Shown'), false);
    expect(byLabel(slot(1), 'Required').checked).toBe(false);
    submit(form);
    await flush();
    expect(onSave.mock.calls[0]![0][0]).toMatchObject({ shown: false, required: false });
    expect(onSave.mock.calls[0]![0][2]).toMatchObject({ shown: true, required: true });
  });

  it("shows the server's reason when it still refuses", async () => {
    const { container, form } = setup(vi.fn(async () => {
      throw new ApiError(422, 'field 3 (Phone): pattern is not a valid regular expression: x');
    }));
    submit(form);
    await flush();
    expect(byRole(container, 'alert').textContent).toBe('Field 3 (Phone): pattern is not a valid regular expression: x.');
  });
});

describe('canned replies', () => {
  const replies = (n: number): CannedReply[] => Array.from({ length: n }, (_, i) => ({ title: `R${i + 1}`, text: `Reply ${i + 1}` }));
  const addButton = (c: HTMLElement) => Array.from(c.querySelectorAll('button')).find((b) => b.textContent === 'Add reply')!;

  function setup(initial: CannedReply[], onSave = vi.fn(async (_: CannedReply[]) => {})) {
    const view = mount(() => (
      <QuickListEditor<CannedReply>
        title="Canned replies"
        noun="canned replies"
        one="reply"
        initial={initial}
        fields={[
          { key: 'title', label: 'Title', maxLength: 80 },
          { key: 'text', label: 'Text', multiline: true, maxLength: 4000 },
        ]}
        blank={() => ({ title: '', text: '' })}
        check={checkReply}
        onSave={onSave}
      />
    ));
    cleanup = view.unmount;
    return { ...view, form: view.container.querySelector('form')!, onSave };
  }

  it(`stops at ${MAX_QUICK_TEXTS} and says so`, async () => {
    const { container } = setup(replies(MAX_QUICK_TEXTS - 1));
    expect(addButton(container).disabled).toBe(false);
    addButton(container).click();
    await flush();
    expect(container.querySelectorAll('.quick-item')).toHaveLength(MAX_QUICK_TEXTS);
    expect(addButton(container).disabled).toBe(true);
    expect(container.textContent).toContain(limitText('canned replies'));
    expect(container.textContent).toContain(`${MAX_QUICK_TEXTS} of ${MAX_QUICK_TEXTS}`);
  });

  it('checks every item before saving, and saves in the chosen order', async () => {
    const { container, form, onSave } = setup(replies(2));
    addButton(container).click();
    await flush();
    submit(form);
    await flush();
    expect(onSave).not.toHaveBeenCalled();
    expect(byRole(container, 'alert').textContent).toBe('Item 3: give it a title.');
    Array.from(container.querySelectorAll<HTMLButtonElement>('button')).find((b) => b.getAttribute('aria-label') === 'Remove reply 3')!.click();
    Array.from(container.querySelectorAll<HTMLButtonElement>('button')).find((b) => b.getAttribute('aria-label') === 'Move reply 2 up')!.click();
    await flush();
    type(byLabel(container, 'Title'), 'First'); // the first Title input
    submit(form);
    await flush();
    expect(onSave).toHaveBeenCalledWith([
      { title: 'First', text: 'Reply 2' },
      { title: 'R1', text: 'Reply 1' },
    ]);
  });

  it('the picker in the session offers at most 30', async () => {
    const onPick = vi.fn();
    const view = mount(() => <CannedRepliesPicker replies={replies(35)} onPick={onPick} />);
    cleanup = view.unmount;
    const button = view.container.querySelector('button')!;
    expect(button.getAttribute('aria-expanded')).toBe('false');
    button.click();
    await flush();
    const items = view.container.querySelectorAll('.popover-item');
    expect(items).toHaveLength(MAX_QUICK_TEXTS);
    (items[4] as HTMLButtonElement).click();
    expect(onPick).toHaveBeenCalledWith('Reply 5');
  });

  it('moves items and checks addresses', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(checkUrl({ title: 'x', url: 'javascript:alert(1)' })).toMatch(/http/);
    expect(checkUrl({ title: 'x', url: 'https://status.example' })).toBeNull();
  });
});
