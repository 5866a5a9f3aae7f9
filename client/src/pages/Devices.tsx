// Connected agents, live from the console socket.
import { createMemo, createSignal, Show } from 'solid-js';
import type { AgentInfo } from '../../../server/protocol/api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { EmptyState, Loading, PageHeader } from '../components/ui.tsx';
import { agents, socketStatus } from '../live/liveStore.ts';
import { createNow, formatDateTime, formatDuration, plural } from '../lib/format.ts';

export function filterAgents(list: readonly AgentInfo[], query: string): AgentInfo[] {
  const q = query.trim().toLowerCase();
  const sorted = [...list].sort((a, b) => a.hostname.localeCompare(b.hostname));
  if (!q) return sorted;
  return sorted.filter((a) => [a.hostname, a.os, a.version, a.address].some((v) => v.toLowerCase().includes(q)));
}

export function DevicesPage() {
  const [query, setQuery] = createSignal('');
  const now = createNow(10_000);
  const rows = createMemo(() => filterAgents(agents() ?? [], query()));

  return (
    <div class="page">
      <PageHeader title="Devices" subtitle="Agents connected to this server right now, updated live.">
        <Show when={(agents()?.length ?? 0) > 0}>
          <input
            type="search"
            class="search"
            placeholder="Filter devices  /"
            aria-label="Filter devices"
            data-search
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </Show>
      </PageHeader>
      <Show
        when={agents()}
        fallback={
          socketStatus().state === 'open' ? (
            <Loading label="Waiting for the device list…" />
          ) : (
            <Loading label="Connecting to the live feed…" />
          )
        }
      >
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <EmptyState title="No agents connected" icon="▢">
                <p>
                  Machines running the Tessera agent appear here as soon as they connect: host name, operating
                  system, agent version, address and how long they have been connected. Start one with{' '}
                  <code>tessera-agent --server {window.location.origin}</code>.
                </p>
              </EmptyState>
            }
          >
            <p class="muted small" aria-live="polite">
              {plural(list().length, 'agent')} connected
              {query() ? `, ${rows().length} shown` : ''}
            </p>
            <DataTable
              label="Connected agents"
              rows={rows()}
              rowKey={(agent) => agent.id}
              initialSort={{ id: 'host' }}
              empty={<p class="muted">No device matches “{query()}”.</p>}
              columns={[
                {
                  id: 'host',
                  header: 'Host name',
                  sortBy: (agent) => agent.hostname.toLowerCase(),
                  cell: (agent) => (
                    <>
                      <span class="dot ok" aria-hidden="true" /> <strong>{agent.hostname}</strong>
                      <Show when={!agent.enrolled}>
                        {' '}
                        <span class="badge" title="Not an enrolled device: anyone can start an agent, so its name and details are unverified">
                          unenrolled
                        </span>
                      </Show>
                    </>
                  ),
                },
                { id: 'os', header: 'Operating system', sortBy: (agent) => agent.os, cell: (agent) => agent.os },
                { id: 'version', header: 'Agent version', sortBy: (agent) => agent.version, cell: (agent) => agent.version },
                { id: 'address', header: 'Address', sortBy: (agent) => agent.address, cell: (agent) => <code>{agent.address}</code> },
                {
                  id: 'since',
                  header: 'Connected since',
                  sortBy: (agent) => agent.connectedAt,
                  cell: (agent) => (
                    <span title={`Last heard ${formatDateTime(agent.lastSeenAt)}`}>
                      {formatDateTime(agent.connectedAt)} <span class="muted small">({formatDuration(agent.connectedAt, now())})</span>
                    </span>
                  ),
                },
              ]}
            />
          </Show>
        )}
      </Show>
    </div>
  );
}
