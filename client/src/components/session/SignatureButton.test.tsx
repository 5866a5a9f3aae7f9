import { describe, expect, it, vi } from 'vitest';
import { byRole, mount } from '../../test/dom.ts';
import { SignatureButton } from './SignatureButton.tsx';

describe('the signature button by the chat box', () => {
  it('inserts the profile signature, trimmed; without one it links to the profile', () => {
    const onInsert = vi.fn();
    const withOne = mount(() => <SignatureButton signature={'  Olga, Acme IT\nCall 123  '} onInsert={onInsert} />);
    byRole(withOne.container, 'button', 'Signature').click();
    expect(onInsert).toHaveBeenCalledWith('Olga, Acme IT\nCall 123');
    withOne.unmount();

    const none = mount(() => <SignatureButton signature="   " onInsert={onInsert} />);
    expect(none.container.querySelector('button')).toBeNull();
    expect(none.container.querySelector('a')!.getAttribute('href')).toBe('/profile');
    none.unmount();
  });
});
