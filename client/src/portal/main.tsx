import { render } from 'solid-js/web';
import { PortalApp } from './PortalApp.tsx';
import './portal.css';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
render(() => <PortalApp />, root);
