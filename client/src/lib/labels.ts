// The words the console uses for a session's kind and state, in one place for every page that shows them.
import type { SupportChannel, SupportStatus } from '../../../server/protocol/support.ts';

export const channelLabel = (channel: SupportChannel) => (channel === 'remote' ? 'Remote assistance' : 'Chat');

export const STATUS_LABELS: Record<SupportStatus, string> = {
  queued: 'Waiting in the queue',
  'waiting-code': 'Waiting for the customer (access code)',
  active: 'Live',
  ended: 'Ended',
};
