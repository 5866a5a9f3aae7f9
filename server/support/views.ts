import type { EngineerStore } from '../engineers/store.ts';
import type { CustomerValue, QueueItem, ScreenshotRef, SessionLogEntry, SessionSummary } from '../protocol/support.ts';
import { crmLink, type IdentityFields } from './identityFields.ts';
import type { Participants } from './participants.ts';
import type { LogEntry, SupportSession } from './sessionStore.ts';

/** Turns stored rows into what the console shows: labelled customer values with CRM links, named log actors. */
export class SupportViews {
  constructor(
    private fields: IdentityFields,
    private engineers: EngineerStore,
    private participants: Participants,
  ) {}

  private name(engineerId: number): string {
    const e = this.engineers.byId(engineerId);
    return e ? e.nickname || e.displayName : 'Engineer';
  }

  customer(values: Record<string, string>): CustomerValue[] {
    const fields = this.fields.list();
    return Object.entries(values)
      .map(([slot, value]) => {
        const field = fields.find((f) => String(f.slot) === slot);
        return {
          slot: Number(slot),
          label: field?.label ?? `Field ${slot}`,
          value,
          crmLink: field ? crmLink(field, value) : null,
        };
      })
      .sort((a, b) => a.slot - b.slot);
  }

  queueItem(s: SupportSession): QueueItem {
    return { id: s.id, deskId: s.deskId, channel: s.channel, customer: this.customer(s.customerFields), createdAt: s.createdAt };
  }

  summary(s: SupportSession): SessionSummary {
    return {
      id: s.id,
      deskId: s.deskId,
      channel: s.channel,
      status: s.status,
      ownerId: s.ownerId,
      ownerName: s.ownerId ? this.name(s.ownerId) : null,
      customer: this.customer(s.customerFields),
      createdAt: s.createdAt,
      takenAt: s.takenAt,
      endedAt: s.endedAt,
      participants: this.participants.list(s.id).map((p) => ({ id: p.engineerId, name: this.name(p.engineerId), role: p.role })),
    };
  }

  logEntry(e: LogEntry, customerName: string): SessionLogEntry {
    let name = 'System';
    if (e.actor === 'customer') name = customerName;
    else if (e.actor === 'agent') name = 'Agent';
    else if (e.actor.startsWith('engineer:')) name = this.name(Number(e.actor.slice(9)));
    else if (e.actor.startsWith('expert:')) name = `${String(e.data.expert ?? 'Expert')} (expert)`;
    const entry: SessionLogEntry = { id: e.id, at: e.at, actor: e.actor, name, kind: e.kind, text: e.text };
    const shot = e.data.screenshot as ScreenshotRef | undefined;
    if (e.kind === 'chat' && shot && typeof shot === 'object' && typeof shot.fileId === 'number') entry.screenshot = shot;
    return entry;
  }

  customerName(s: SupportSession): string {
    return s.customerFields['1'] || 'Customer';
  }
}
