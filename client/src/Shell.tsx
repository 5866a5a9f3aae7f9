// The signed-in console: navigation, live connection, presence, the user's menu and keyboard shortcuts.
import { A, Navigate, useLocation, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { createEffect, createSignal, For, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import type { Me } from '../../server/protocol/api.ts';
import { api } from './api/endpoints.ts';
import { Avatar } from './components/ui.tsx';
import { Dialog } from './components/Dialog.tsx';
import { ConnectionIndicator } from './components/ConnectionIndicator.tsx';
import { PresencePanel } from './components/PresencePanel.tsx';
import { SessionOffers } from './components/SessionOffers.tsx';
import { ForcedPasswordChange } from './pages/ForcedPasswordChange.tsx';
import { agents, startLive, stopLive } from './live/liveStore.ts';
import { attention } from './live/attention.ts';
import { startAnnouncing } from './live/announce.ts';
import { StatusMenuItems, statusLabel } from './components/StatusMenu.tsx';
import { setTitleCount } from './lib/pageTitle.ts';
import { clearDirectory, refreshDesks } from './lib/directory.ts';
import { avatarVersion, boot, endSession, me, verifySession } from './lib/session.ts';
import { focusPageStart, skipTo } from './lib/focus.ts';
import { createShortcutHandler, focusSearch, setShortcutsEnabled, shortcutsEnabled } from './lib/shortcuts.ts';

export interface NavItem {
  href: string;
  label: string;
  key: string;
  adminOnly?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { href: '/queue', label: 'Queue', key: 'q' },
  { href: '/sessions', label: 'Sessions', key: 's' },
  { href: '/devices', label: 'Devices', key: 'd' },
  { href: '/incidents', label: 'Incidents', key: 'i' },
  { href: '/reports', label: 'Reports', key: 'r' },
  { href: '/admin', label: 'Admin', key: 'a', adminOnly: true },
];

/** What waits behind a navigation item, not looked at yet (0: no badge). */
export function navBadge(href: string): number {
  if (href === '/queue') return attention.newRequests();
  if (href === '/sessions') return attention.sessionsCount();
  return 0;
}

export function visibleNav(user: Pick<Me, 'role'>): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.adminOnly || user.role === 'admin');
}

export function Shell(props: RouteSectionProps) {
  const location = useLocation();
  return (
    <Switch>
      <Match when={boot().state === 'setup'}>
        <Navigate href="/setup" />
      </Match>
      <Match when={!me()}>
        <Navigate href={`/login${location.pathname !== '/' ? `?next=${encodeURIComponent(location.pathname)}` : ''}`} />
      </Match>
      <Match when={me()?.mustChangePassword}>
        <ForcedPasswordChange />
      </Match>
      <Match when={me()}>{(user) => <SignedIn user={user()}>{props.children}</SignedIn>}</Match>
    </Switch>
  );
}

function SignedIn(props: { user: Me; children: RouteSectionProps['children'] }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [helpOpen, setHelpOpen] = createSignal(false);
  const [menuOpen, setMenuOpen] = createSignal(false);
  let main!: HTMLElement;

  // A route change that took the focused control away (Take, Open the session, a form that leads on) leaves focus
  // on the body: start the new page there instead. A link that stays on screen keeps its focus.
  createEffect(
    on(
      () => location.pathname,
      () => requestAnimationFrame(() => focusPageStart(main)),
      { defer: true },
    ),
  );

  onMount(() => {
    void refreshDesks();
    startLive((failures) => {
      // A socket that keeps failing may mean the session is gone: ask once early, then now and then.
      if (failures === 2 || failures % 6 === 0) void verifySession();
    });
  });
  onCleanup(() => {
    stopLive();
    clearDirectory();
  });

  // Counts clear where the engineer looks: the route they are on, in a tab that is shown.
  const look = () => attention.setLooking({ path: location.pathname, visible: document.visibilityState === 'visible' });
  createEffect(on(() => location.pathname, look));
  onMount(() => document.addEventListener('visibilitychange', look));
  onCleanup(() => document.removeEventListener('visibilitychange', look));
  createEffect(() => setTitleCount(attention.total()));
  onCleanup(() => setTitleCount(0));
  onMount(() => onCleanup(startAnnouncing({ navigate })));

  const go = (href: string) => () => navigate(href);
  const sequences: Record<string, () => void> = {};
  for (const item of NAV_ITEMS) {
    sequences[item.key] = () => {
      if (!item.adminOnly || me()?.role === 'admin') navigate(item.href);
    };
  }
  sequences.p = go('/profile');
  sequences.t = go('/profile/tokens');
  const handler = createShortcutHandler({
    sequences,
    keys: {
      '/': () => focusSearch(),
      '?': () => setHelpOpen(true),
    },
  });
  onMount(() => document.addEventListener('keydown', handler));
  onCleanup(() => document.removeEventListener('keydown', handler));

  const signOut = async () => {
    setMenuOpen(false);
    try {
      await api.logout();
    } catch {
      // Signed out locally either way.
    }
    endSession();
    navigate('/login', { replace: true });
  };

  return (
    <div class="shell">
      <a class="skip-link" href="#main" onClick={(e) => skipTo(e, 'main')}>
        Skip to content
      </a>
      <aside class="sidebar">
        <A href="/queue" class="brand" aria-label="Tessera home">
          <span class="brand-mark" aria-hidden="true" />
          <span>Tessera</span>
        </A>
        <nav aria-label="Main">
          <ul class="nav-list">
            <For each={visibleNav(props.user)}>
              {(item) => (
                <li>
                  <A href={item.href} activeClass="active" title={shortcutsEnabled() ? `${item.label} (g then ${item.key})` : undefined}>
                    <span>
                      {item.label}
                      <Show when={navBadge(item.href) > 0}>
                        <span class="count attention" data-badge={item.href}>
                          {navBadge(item.href)}
                          <span class="visually-hidden"> new</span>
                        </span>
                      </Show>
                      <Show when={item.href === '/devices' && (agents()?.length ?? 0) > 0}>
                        <span class="count" aria-label={`${agents()?.length} connected`}>
                          {agents()?.length}
                        </span>
                      </Show>
                    </span>
                    <Show when={shortcutsEnabled()}>
                      <kbd aria-hidden="true">g {item.key}</kbd>
                    </Show>
                  </A>
                </li>
              )}
            </For>
          </ul>
        </nav>
        <PresencePanel currentUserId={props.user.id} />
      </aside>
      <div class="workspace">
        <header class="topbar">
          <div class="topbar-spacer" />
          <ConnectionIndicator />
          <button type="button" class="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setHelpOpen(true)}>
            ?
          </button>
          <UserMenu user={props.user} open={menuOpen()} setOpen={setMenuOpen} onSignOut={signOut} />
        </header>
        <SessionOffers />
        <main id="main" tabindex="-1" ref={main}>
          {props.children}
        </main>
      </div>
      <Show when={helpOpen()}>
        <ShortcutHelp isAdmin={props.user.role === 'admin'} onClose={() => setHelpOpen(false)} />
      </Show>
    </div>
  );
}

function UserMenu(props: { user: Me; open: boolean; setOpen: (v: boolean) => void; onSignOut: () => void }) {
  let root!: HTMLDivElement;
  let button!: HTMLButtonElement;
  const navigate = useNavigate();
  const onDocClick = (e: MouseEvent) => {
    if (props.open && !root.contains(e.target as Node)) props.setOpen(false);
  };
  const items = () => Array.from(root.querySelectorAll<HTMLElement>('[role^="menuitem"]'));
  const onKey = (e: KeyboardEvent) => {
    if (!props.open) return;
    if (e.key === 'Escape') {
      props.setOpen(false);
      button.focus();
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const list = items();
      const at = list.indexOf(document.activeElement as HTMLElement);
      const next = e.key === 'ArrowDown' ? (at + 1) % list.length : (at - 1 + list.length) % list.length;
      list[next]?.focus();
    }
    if (e.key === 'Tab') props.setOpen(false);
  };
  createEffect(() => {
    if (props.open) queueMicrotask(() => items()[0]?.focus());
  });
  onMount(() => {
    document.addEventListener('mousedown', onDocClick);
    document.addEventListener('keydown', onKey);
  });
  onCleanup(() => {
    document.removeEventListener('mousedown', onDocClick);
    document.removeEventListener('keydown', onKey);
  });
  const pick = (href: string) => {
    props.setOpen(false);
    navigate(href);
  };
  const roleLabel = () => props.user.role[0]?.toUpperCase() + props.user.role.slice(1);
  return (
    <div class="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        class="user-button"
        aria-haspopup="menu"
        aria-expanded={props.open}
        onClick={() => props.setOpen(!props.open)}
      >
        {/* The name comes from the text, so it holds what the button shows (WCAG 2.5.3: speech users say what
            they see); an aria-label of its own did not. */}
        <span class="visually-hidden">Account menu for </span>
        <Avatar id={props.user.id} name={props.user.displayName} hasAvatar={props.user.hasAvatar} version={avatarVersion()} />
        <span class="user-name">
          <strong>{props.user.displayName}</strong>
          <small class="muted">
            {roleLabel()} · {statusLabel()}
          </small>
        </span>
      </button>
      <Show when={props.open}>
        <div class="menu" role="menu" aria-label="Account">
          <div class="menu-header muted">Signed in as {props.user.username}</div>
          <button type="button" role="menuitem" onClick={() => pick('/profile')}>
            Profile
          </button>
          <button type="button" role="menuitem" onClick={() => pick('/profile/tokens')}>
            API tokens
          </button>
          <StatusMenuItems onPicked={() => props.setOpen(false)} />
          <button type="button" role="menuitemcheckbox" aria-checked={shortcutsEnabled()} onClick={() => setShortcutsEnabled(!shortcutsEnabled())}>
            <span class="menu-check" aria-hidden="true">
              {shortcutsEnabled() ? '✓' : ''}
            </span>
            Single-key shortcuts
          </button>
          <button type="button" role="menuitem" onClick={() => props.onSignOut()}>
            Sign out
          </button>
        </div>
      </Show>
    </div>
  );
}

function ShortcutHelp(props: { isAdmin: boolean; onClose: () => void }) {
  const rows = () => [
    ...visibleNav({ role: props.isAdmin ? 'admin' : 'engineer' }).map((i) => [`g ${i.key}`, `Go to ${i.label}`] as const),
    ['g p', 'Go to your profile'] as const,
    ['g t', 'Go to your API tokens'] as const,
    ['/', 'Focus the search box'] as const,
    ['j / k or ↑ / ↓', 'Queue: move to the next or previous request'] as const,
    ['Enter', 'Queue: take the selected request'] as const,
    ['?', 'Show this help'] as const,
    ['Esc', 'Close a dialog or menu'] as const,
  ];
  return (
    <Dialog title="Keyboard shortcuts" onClose={props.onClose}>
      <label class="checkbox shortcut-setting">
        <input type="checkbox" checked={shortcutsEnabled()} onChange={(e) => setShortcutsEnabled(e.currentTarget.checked)} />
        Single-key shortcuts (g then a letter, /, ?, j and k)
      </label>
      <Show when={!shortcutsEnabled()}>
        <p class="muted small">Off in this browser: only the arrow keys, Enter and Esc below still work.</p>
      </Show>
      <table class="table compact">
        <tbody>
          <For each={rows()}>
            {([keys, what]) => (
              <tr>
                <td>
                  <kbd>{keys}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Dialog>
  );
}
