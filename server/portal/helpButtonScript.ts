// The help button's script, as served at /embed/help-button.js. Plain ES2017 with no dependencies, since it runs
// on other people's web sites: it reads its options from its own src address, draws the button in a shadow root
// (so neither side's CSS leaks into the other), polls this server's public desk status (CORS-enabled) and opens
// the portal for the desk in a new window. Every text goes in through textContent, every address is checked.
import { DEFAULT_LABEL, EMBED_STYLES, MAX_IMAGE_URL_CHARS, MAX_LABEL_CHARS } from './embed.ts';

export const HELP_BUTTON_POLL_MS = 30_000;

const CSS = `
:host { all: initial; display: inline-block; }
:host([data-style="floating"]) { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; }
a { display: inline-flex; align-items: center; gap: 8px; font: 600 15px/1.2 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  text-decoration: none; cursor: pointer; color: #fff; background: #2563eb; border: 1px solid #2563eb; padding: 10px 16px;
  border-radius: 6px; transition: filter .15s, background .15s; }
a:hover { filter: brightness(1.08); }
a:focus-visible { outline: 3px solid rgba(37, 99, 235, .45); outline-offset: 2px; }
a.pill, a.floating { border-radius: 999px; padding: 10px 20px; }
a.floating { box-shadow: 0 6px 24px rgba(15, 23, 42, .25); }
a.minimal { background: transparent; border-color: transparent; color: #2563eb; padding: 4px 2px; text-decoration: underline; }
a.image { background: transparent; border: none; padding: 0; position: relative; }
a.image img { display: block; max-width: 320px; max-height: 160px; }
a[data-state="offline"], a[data-state="unknown"] { background: #6b7280; border-color: #6b7280; }
a.minimal[data-state="offline"], a.minimal[data-state="unknown"] { background: transparent; border-color: transparent; color: #6b7280; }
a.image[data-state="offline"], a.image[data-state="unknown"] { background: transparent; }
a.image[data-state="offline"] img, a.image[data-state="unknown"] img { filter: grayscale(1); opacity: .65; }
.dot { width: 9px; height: 9px; border-radius: 50%; background: #9ca3af; flex: none; box-shadow: 0 0 0 2px rgba(255, 255, 255, .6); }
a[data-state="online"] .dot { background: #22c55e; }
a.image .dot { position: absolute; right: 4px; top: 4px; }
`;

export const HELP_BUTTON_SCRIPT = `/* Tessera help button */
(function () {
  'use strict';
  var STYLES = ${JSON.stringify(EMBED_STYLES)};
  var script = document.currentScript;
  if (!script || !script.src) return;
  var src;
  try { src = new URL(script.src); } catch (e) { return; }
  var origin = src.origin;
  var q = src.searchParams;
  var warn = function (m) { if (window.console) console.warn('Tessera help button: ' + m); };
  var desk = q.get('desk') || '';
  if (!/^[0-9]{1,9}$/.test(desk) || Number(desk) < 1) { warn('desk must be a desk number'); return; }
  var style = q.get('style') || 'classic';
  if (STYLES.indexOf(style) < 0) { warn('unknown style ' + style); style = 'classic'; }
  var label = (q.get('label') || '').replace(/[\\u0000-\\u001f\\u007f]/g, '').trim().slice(0, ${MAX_LABEL_CHARS}) || ${JSON.stringify(DEFAULT_LABEL)};
  var image = '';
  var rawImage = q.get('image');
  if (rawImage && rawImage.length <= ${MAX_IMAGE_URL_CHARS}) {
    try {
      var parsed = new URL(rawImage);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') image = parsed.href;
    } catch (e) { /* not an address: the built-in look */ }
  }
  var portal = origin + '/portal?desk=' + desk;

  var host = document.createElement('span');
  host.setAttribute('data-tessera-help', desk);
  host.setAttribute('data-style', style);
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var css = document.createElement('style');
  css.textContent = ${JSON.stringify(CSS)};
  root.appendChild(css);

  var link = document.createElement('a');
  link.href = portal;
  link.target = '_blank';
  link.rel = 'noopener';
  link.className = image ? 'image ' + style : style;
  var dot = document.createElement('span');
  dot.className = 'dot';
  dot.setAttribute('aria-hidden', 'true');
  if (image) {
    var img = document.createElement('img');
    img.src = image;
    img.alt = label;
    link.appendChild(img);
    link.appendChild(dot);
  } else {
    var text = document.createElement('span');
    text.textContent = label;
    link.appendChild(dot);
    link.appendChild(text);
  }
  root.appendChild(link);

  var state = '';
  function show(next) {
    if (next === state) return;
    state = next;
    link.setAttribute('data-state', next);
    var says = next === 'online' ? 'online now' : next === 'offline' ? 'nobody online right now' : 'status unknown';
    link.setAttribute('aria-label', label + ' (' + says + ')');
    link.title = label + ': ' + says;
  }
  show('unknown');

  link.addEventListener('click', function (event) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    var w = Math.min(560, screen.availWidth || 560);
    var h = Math.min(780, screen.availHeight || 780);
    window.open(portal, 'tessera-help-' + desk, 'noopener,width=' + w + ',height=' + h);
  });

  var busy = false;
  function poll() {
    if (busy || document.visibilityState === 'hidden') return;
    busy = true;
    fetch(origin + '/api/portal/desks', { credentials: 'omit', mode: 'cors', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (desks) {
        var found = null;
        for (var i = 0; i < desks.length; i++) if (String(desks[i].id) === desk) found = desks[i];
        if (!found) warn('no desk ' + desk + ' on ' + origin);
        show(found ? (found.online ? 'online' : 'offline') : 'unknown');
      })
      .catch(function () { show('unknown'); })
      .then(function () { busy = false; });
  }

  var parent = script.parentNode;
  function place() {
    if (style !== 'floating' && parent && parent !== document.head && parent.nodeType === 1) parent.insertBefore(host, script);
    else (document.body || document.documentElement).appendChild(host);
  }
  if (document.body || style !== 'floating') place();
  else document.addEventListener('DOMContentLoaded', place);
  poll();
  setInterval(poll, ${HELP_BUTTON_POLL_MS});
  document.addEventListener('visibilitychange', poll);
})();
`;
