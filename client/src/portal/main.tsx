import { render } from 'solid-js/web';
import { skipTo } from '../lib/focus.ts';
import { PortalApp } from './PortalApp.tsx';
import './portal.css';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
render(() => <PortalApp />, root);
// The skip link is in portal.html, before the app.
document.querySelector<HTMLAnchorElement>('.skip-link')?.addEventListener('click', (e) => skipTo(e, 'main'));
