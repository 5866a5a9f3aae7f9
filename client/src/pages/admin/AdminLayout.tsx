// Admin area: only admins get in; the sub-navigation lists the organisation's settings.
import { A, type RouteSectionProps } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { EmptyState } from '../../components/ui.tsx';
import { me } from '../../lib/session.ts';

const SECTIONS = [
  { href: '/admin/provider', label: 'Provider' },
  { href: '/admin/desks', label: 'Desks' },
  { href: '/admin/stations', label: 'Stations' },
  { href: '/admin/engineers', label: 'Engineers' },
  { href: '/admin/identity-fields', label: 'Identity fields' },
  { href: '/admin/portal', label: 'Portal' },
  { href: '/admin/quick-texts', label: 'Canned replies' },
  { href: '/admin/help-button', label: 'Help button' },
  { href: '/admin/tokens', label: 'API tokens' },
];

export function AdminLayout(props: RouteSectionProps) {
  return (
    <Show
      when={me()?.role === 'admin'}
      fallback={
        <div class="page">
          <EmptyState title="Administrators only" icon="⛔">
            <p>Your role does not include the organisation's settings. Ask an administrator if you need a change.</p>
          </EmptyState>
        </div>
      }
    >
      <div class="admin">
        <nav class="tabs" aria-label="Admin">
          <For each={SECTIONS}>
            {(s) => (
              <A href={s.href} activeClass="active">
                {s.label}
              </A>
            )}
          </For>
        </nav>
        {props.children}
      </div>
    </Show>
  );
}
