// The engineers table's "Sessions at once" column: each engineer's session limit, changed in place (saved at once,
// said in a toast; a refusal puts the old choice back). The queue, transfers and invitations respect it.
import { createResource } from 'solid-js';
import type { Engineer } from '../../../../server/protocol/api.ts';
import { MAX_SESSION_LIMIT } from '../../../../server/protocol/availability.ts';
import { api } from '../../api/endpoints.ts';
import { errorMessage } from '../../api/http.ts';
import { toast } from '../../lib/toasts.ts';

const CHOICES = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20];
export const limitText = (limit: number | null) => (limit === null ? 'No limit' : `${limit} at most`);

/** Built once per page: one request for every engineer's limit. */
export function sessionLimitColumn() {
  const [all, { mutate }] = createResource(api.engineersAvailability);
  const limitOf = (id: number) => all()?.find((a) => a.engineerId === id)?.sessionLimit ?? null;
  const save = async (engineer: Engineer, select: HTMLSelectElement) => {
    const before = limitOf(engineer.id);
    const limit = select.value === '' ? null : Number(select.value);
    try {
      const saved = await api.setSessionLimit(engineer.id, limit);
      mutate((list) => [...(list ?? []).filter((a) => a.engineerId !== engineer.id), saved]);
      toast(`${engineer.displayName}: ${limitText(saved.sessionLimit).toLowerCase()} sessions at once.`);
    } catch (e) {
      select.value = before === null ? '' : String(before);
      toast(`Could not change the session limit of ${engineer.displayName}: ${errorMessage(e)}`, 'error');
    }
  };
  return {
    header: 'Sessions at once',
    cell: (engineer: Engineer) => {
      // A limit set through the API outside the usual choices still shows as itself.
      const choices = () => [...new Set([...CHOICES, limitOf(engineer.id) ?? 1])].filter((n) => n <= MAX_SESSION_LIMIT).sort((a, b) => a - b);
      return (
        <select
          aria-label={`Sessions at once for ${engineer.displayName}`}
          disabled={all.loading || !!all.error || engineer.disabled}
          value={limitOf(engineer.id) === null ? '' : String(limitOf(engineer.id))}
          onChange={(e) => void save(engineer, e.currentTarget)}
        >
          <option value="">No limit</option>
          {choices().map((n) => (
            <option value={String(n)}>{n}</option>
          ))}
        </select>
      );
    },
  };
}
