// The columns of an API token list, the same on one's own tokens page and on an admin's view of an engineer.
import { For, Show } from 'solid-js';
import type { ApiToken } from '../../../server/protocol/api.ts';
import { SCOPE_DESCRIPTIONS } from '../../../server/protocol/roles.ts';
import { formatDate, formatDateTime, formatRelative } from '../lib/format.ts';
import type { Column } from './DataTable.tsx';
import { Badge } from './ui.tsx';

const expired = (t: ApiToken) => t.expiresAt !== null && Date.parse(t.expiresAt) < Date.now();

export function tokenColumns(onRevoke: (t: ApiToken) => void, options: { expires?: boolean } = {}): Column<ApiToken>[] {
  return [
    { id: 'name', header: 'Name', sortBy: (t) => t.name.toLowerCase(), cell: (t) => <strong>{t.name}</strong> },
    {
      id: 'scopes',
      header: 'Scopes',
      cell: (t) => (
        <div class="chips">
          <For each={t.scopes}>{(s) => <Badge tone="subtle" title={SCOPE_DESCRIPTIONS[s]}>{s}</Badge>}</For>
        </div>
      ),
    },
    { id: 'created', header: 'Created', sortBy: (t) => t.createdAt, cell: (t) => formatDate(t.createdAt) },
    ...(options.expires
      ? [
          {
            id: 'expires',
            header: 'Expires',
            sortBy: (t: ApiToken) => t.expiresAt,
            cell: (t: ApiToken) => (
              <Show when={t.expiresAt} fallback={<span class="muted">Never</span>}>
                <span title={formatDateTime(t.expiresAt)}>{formatDate(t.expiresAt)}</span>{' '}
                <Show when={expired(t)}>
                  <Badge tone="danger">expired</Badge>
                </Show>
              </Show>
            ),
          },
        ]
      : []),
    {
      id: 'used',
      header: 'Last used',
      sortBy: (t) => t.lastUsedAt,
      cell: (t) => <span title={formatDateTime(t.lastUsedAt)}>{t.lastUsedAt ? formatRelative(t.lastUsedAt) : <span class="muted">Never</span>}</span>,
    },
    {
      id: 'actions',
      header: 'Actions',
      hideHeader: true,
      class: 'row-actions',
      cell: (t) => (
        <button type="button" class="button small danger" aria-label={`Revoke token ${t.name}`} onClick={() => onRevoke(t)}>
          Revoke
        </button>
      ),
    },
  ];
}
