import type { AppContext } from '../context.ts';
import { newWorkRefusal, type Availability, type EngineerStatus } from '../protocol/availability.ts';
import { AvailabilityStore } from './store.ts';

/**
 * Engineers' status and session limit, for the features that hand out work (the queue, transfers, invitations),
 * presence and notifications. Built once in app.ts; `heldSessions` comes from support, which owns the sessions.
 */
export function createAvailability(ctx: AppContext, heldSessions: (engineerId: number) => number) {
  const store = new AvailabilityStore(ctx.db);
  const of = (engineerId: number): Availability => ({ engineerId, ...store.get(engineerId), sessions: heldSessions(engineerId) });
  return {
    of,
    setStatus(engineerId: number, status: EngineerStatus): Availability {
      store.setStatus(engineerId, status);
      ctx.events.emit('availability-changed', engineerId);
      return of(engineerId);
    },
    setLimit(engineerId: number, limit: number | null): Availability {
      store.setLimit(engineerId, limit);
      ctx.events.emit('availability-changed', engineerId);
      return of(engineerId);
    },
    /**
     * Why the engineer may not take on one more session now (a request from the queue, a transfer, an
     * invitation), or null. Callers check and claim without an await in between, so on Bun's one thread two
     * takes by the same engineer cannot both pass the check.
     */
    refusal(engineerId: number, who: 'you' | string = 'you'): string | null {
      return newWorkRefusal(of(engineerId), who);
    },
  };
}

export type AvailabilityService = ReturnType<typeof createAvailability>;
