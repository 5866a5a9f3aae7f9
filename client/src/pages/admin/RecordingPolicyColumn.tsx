// The desks table's "Recording" column: each desk's recording policy, changed in place (saved at once, said in a
// toast; a refusal puts the old choice back).
import { createResource, type JSX } from 'solid-js';
import { RECORDING_POLICIES, type RecordingPolicy } from '../../../../server/protocol/recording.ts';
import type { Desk } from '../../../../server/protocol/api.ts';
import { api } from '../../api/endpoints.ts';
import { errorMessage } from '../../api/http.ts';
import { toast } from '../../lib/toasts.ts';

export const POLICY_LABEL: Record<RecordingPolicy, string> = {
  always: 'Always (the customer is told)',
  ask: 'Ask the customer',
  never: 'Never',
};

export interface UnitColumn {
  header: string;
  cell: (unit: Desk) => JSX.Element;
}

/** Built once per page: one request for every desk's policy. */
export function recordingPolicyColumn(): UnitColumn {
  const [policies, { mutate }] = createResource(api.recordingPolicies);
  const policyOf = (deskId: number): RecordingPolicy => policies()?.find((p) => p.deskId === deskId)?.policy ?? 'always';
  const save = async (desk: Desk, select: HTMLSelectElement) => {
    const before = policyOf(desk.id);
    const policy = select.value as RecordingPolicy;
    try {
      const saved = await api.setRecordingPolicy(desk.id, policy);
      mutate((list) => [...(list ?? []).filter((p) => p.deskId !== desk.id), saved]);
      toast(`Recording for “${desk.name}”: ${POLICY_LABEL[saved.policy].toLowerCase()}.`);
    } catch (e) {
      select.value = before;
      toast(`Could not change the recording of “${desk.name}”: ${errorMessage(e)}`, 'error');
    }
  };
  return {
    header: 'Recording',
    cell: (desk) => (
      <select
        aria-label={`Recording for desk ${desk.name}`}
        disabled={policies.loading || !!policies.error}
        value={policyOf(desk.id)}
        onChange={(e) => void save(desk, e.currentTarget)}
      >
        {RECORDING_POLICIES.map((p) => (
          <option value={p}>{POLICY_LABEL[p]}</option>
        ))}
      </select>
    ),
  };
}
