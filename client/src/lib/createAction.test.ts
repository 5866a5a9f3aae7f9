import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http.ts';
import { createAction } from './createAction.ts';

describe('createAction', () => {
  it('is busy while the work runs, runs it once at a time, and keeps the reason when it fails', async () => {
    let release!: () => void;
    let calls = 0;
    const action = createAction(async (fail: boolean) => {
      calls++;
      await new Promise<void>((resolve) => (release = resolve));
      if (fail) throw new ApiError(409, 'username erin is taken');
    });
    const first = action.run(false);
    expect(action.busy()).toBe(true);
    expect(await action.run(false)).toBe(false); // a double click does nothing
    release();
    expect(await first).toBe(true);
    expect([calls, action.busy(), action.error()]).toEqual([1, false, null]);

    const second = action.run(true);
    release();
    expect(await second).toBe(false);
    expect(action.error()).toBe('Username erin is taken.');
    expect(action.busy()).toBe(false);
  });
});
