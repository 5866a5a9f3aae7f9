// The local window's one page: plain HTML and inline script, no build step, nothing loaded from anywhere. It lives
// at /<token>/ so its relative requests (state, events, answer, revoke, chat, stop-all, leave) carry the token. Every
// text that comes from the server (names, desk, chat lines) is put in with textContent, never as HTML.

export function localWindowPage(): string {
  return PAGE;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tessera remote support</title>
<style>
  :root { color-scheme: light dark; --ok: #1a7f37; --off: #6e7781; --warn: #bf3989; --stop: #c62828; }
  body { font: 15px/1.45 system-ui, sans-serif; max-width: 42rem; margin: 1.5rem auto; padding: 0 1rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  h2 { font-size: 1rem; margin: 1.4rem 0 .5rem; }
  .muted { color: var(--off); }
  .card { border: 1px solid #8884; border-radius: 8px; padding: .75rem 1rem; margin: .5rem 0; }
  .row { display: flex; align-items: center; gap: .75rem; justify-content: space-between; padding: .35rem 0; }
  .state-on { color: var(--ok); font-weight: 600; margin-right: .6rem; }
  .state-off { color: var(--off); margin-right: .6rem; }
  .question { border-color: var(--warn); }
  button { font: inherit; padding: .35rem .9rem; border-radius: 6px; border: 1px solid #8886; cursor: pointer; }
  button:disabled { opacity: .45; cursor: default; }
  button.allow { background: var(--ok); color: #fff; border-color: var(--ok); }
  #stop-all { display: block; width: 100%; margin-top: 1.5rem; padding: 1rem; font-size: 1.25rem; font-weight: 700;
    background: var(--stop); color: #fff; border: none; }
  #leave { margin-top: .6rem; width: 100%; }
  #watching { font-weight: 600; color: var(--warn); }
  .recording-now { font-weight: 600; color: var(--warn); }
  #banner { padding: .6rem 1rem; border-radius: 8px; background: #8882; margin: .75rem 0; }
  #opened a { word-break: break-all; }
  #connected .role { color: var(--off); margin-left: .4rem; }
  #chat-lines { max-height: 16rem; overflow-y: auto; }
  .chat-line { padding: .2rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .chat-line .from { font-weight: 600; margin-right: .4rem; }
  .chat-line .at { color: var(--off); font-size: .8rem; margin-left: .4rem; }
  #chat-form { display: flex; gap: .5rem; margin-top: .5rem; }
  #chat-text { flex: 1; font: inherit; padding: .35rem .5rem; border-radius: 6px; border: 1px solid #8886; resize: vertical; }
  #chat-error { color: var(--stop); }
</style>
</head>
<body>
<h1>Tessera remote support</h1>
<div id="provider" class="muted"></div>
<div id="banner" hidden></div>

<div class="card">
  <div class="row"><span>Server</span><span id="server" class="muted"></span></div>
  <div class="row"><span>Connection</span><span id="connection"></span></div>
  <div class="row"><span>Session</span><span id="session" class="muted"></span></div>
  <div class="row"><span>Who asked for access</span><span id="people" class="muted"></span></div>
  <div class="row"><span>Your screen</span><span id="watching"></span></div>
  <div class="row"><span>Recording</span><span id="recording"></span></div>
  <div class="row"><span>Session log on this computer</span><span id="log-file" class="muted"></span></div>
</div>

<h2>Connected now</h2>
<div class="card" id="connected"></div>

<h2>Chat</h2>
<div class="card">
  <div id="chat-lines" aria-live="polite"></div>
  <div id="chat-empty" class="muted">No messages yet.</div>
  <form id="chat-form">
    <textarea id="chat-text" rows="2" maxlength="4000" placeholder="Write a message (Enter sends, Shift+Enter for a new line)"></textarea>
    <button id="chat-send" type="submit">Send</button>
  </form>
  <div id="chat-error" hidden></div>
</div>

<div id="questions-section" hidden>
  <h2>Waiting for your answer</h2>
  <div id="questions"></div>
</div>

<div id="opened-section" hidden>
  <h2>Opened in your browser by the engineer</h2>
  <div class="card" id="opened"></div>
</div>

<h2>What the engineer may do</h2>
<div class="card" id="capabilities"></div>

<button id="stop-all" type="button">Stop all</button>
<button id="leave" type="button" hidden>Stop all and end the session</button>

<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const ROLES = { customer: 'you', owner: 'engineer in charge', engineer: 'engineer', expert: 'outside expert', supervisor: 'supervisor, watching' };
  const CONNECTION = { online: 'Connected', connecting: 'Connecting...', waiting: 'Reconnecting...', stopped: 'Stopped' };
  let busy = false;
  let sending = false;
  /** Why the agent refused the last line here (the server's refusals come with the state). */
  let localChatError = '';
  let shown = -1;

  async function post(path, body) {
    busy = true;
    try {
      const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
      if (res.ok) render(await res.json());
      else banner('The agent said: ' + (await res.text()));
    } catch (e) {
      banner('The agent is not answering (it may have ended).');
    } finally {
      busy = false;
    }
  }

  function banner(text) {
    const b = $('banner');
    b.textContent = text;
    b.hidden = !text;
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(s) {
    if (s.version < shown) return; // a reply overtaken by a newer push
    shown = s.version;
    $('provider').textContent = s.provider ? 'Support by ' + s.provider : '';
    $('server').textContent = s.server;
    $('connection').textContent = CONNECTION[s.connection] || s.connection;
    $('session').textContent = s.session ? '#' + s.session.id + ' (' + s.session.desk + ')' : 'none';
    $('people').textContent = s.people.length ? s.people.join(', ') : 'nobody yet';
    $('watching').textContent = s.watching ? 'is being shown' : 'is not shown';
    // Said before anything is seen (the desk's policy comes with the welcome), and while it lasts.
    const policy = s.session ? s.session.recording : null;
    $('recording').textContent = s.recordingNow
      ? 'your screen is being recorded now'
      : policy === 'always'
        ? 'this help desk records your screen while it is shown'
        : policy === 'ask'
          ? 'only if you allow "Record" below'
          : policy === 'never'
            ? 'this help desk does not record your screen'
            : 'unknown until connected';
    $('recording').className = s.recordingNow ? 'recording-now' : policy === 'never' ? 'muted' : '';
    $('log-file').textContent = s.logFile || 'not kept';

    const people = $('connected');
    people.replaceChildren();
    for (const p of s.connected || []) {
      const row = el('div', { class: 'row', 'data-person': p.role });
      const who = el('span');
      who.append(el('span', { class: 'name' }, p.name), el('span', { class: 'role' }, '(' + (ROLES[p.role] || p.role) + ')'));
      row.append(who);
      people.append(row);
    }
    if (!people.children.length) people.append(el('div', { class: 'muted' }, s.connection === 'online' ? 'nobody yet' : 'not connected'));

    const lines = $('chat-lines');
    const atBottom = lines.scrollHeight - lines.scrollTop - lines.clientHeight < 40;
    lines.replaceChildren();
    for (const c of s.chat || []) {
      const line = el('div', { class: 'chat-line', 'data-chat': '' });
      line.append(el('span', { class: 'from' }, c.from));
      line.append(el('span', { class: 'text' }, c.text));
      line.append(el('span', { class: 'at' }, new Date(c.at).toLocaleTimeString()));
      lines.append(line);
    }
    if (atBottom) lines.scrollTop = lines.scrollHeight;
    $('chat-empty').hidden = (s.chat || []).length > 0;
    const canChat = s.connection === 'online' && !!s.session && !s.ended;
    $('chat-send').disabled = !canChat || sending;
    $('chat-text').disabled = !canChat;
    chatError(localChatError || s.chatError || '');

    const caps = $('capabilities');
    caps.replaceChildren();
    for (const c of s.capabilities) {
      const row = el('div', { class: 'row', 'data-capability': c.capability });
      row.append(el('span', {}, c.label));
      const right = el('span');
      right.append(el('span', { class: c.granted ? 'state-on' : 'state-off' }, c.granted ? 'Allowed' : 'Not allowed'));
      const revoke = el('button', { type: 'button', class: 'revoke' }, 'Revoke');
      revoke.disabled = !c.granted || s.ended;
      revoke.addEventListener('click', () => post('revoke', { capability: c.capability }));
      right.append(revoke);
      row.append(right);
      caps.append(row);
    }

    const qs = $('questions');
    qs.replaceChildren();
    for (const q of s.questions) {
      const label = (s.capabilities.find((c) => c.capability === q.capability) || {}).label || q.capability;
      const card = el('div', { class: 'card question', 'data-question': String(q.id) });
      card.append(el('div', {}, (q.by || 'The engineer') + ' asks to: ' + label));
      const row = el('div', { class: 'row' });
      const allow = el('button', { type: 'button', class: 'allow' }, 'Allow');
      const deny = el('button', { type: 'button', class: 'deny' }, 'Deny');
      allow.addEventListener('click', () => post('answer', { id: q.id, allow: true }));
      deny.addEventListener('click', () => post('answer', { id: q.id, allow: false }));
      row.append(allow, deny);
      card.append(row);
      qs.append(card);
    }
    $('questions-section').hidden = s.questions.length === 0;

    const opened = $('opened');
    opened.replaceChildren();
    for (const o of (s.opened || []).slice().reverse()) {
      const row = el('div', { class: 'row', 'data-opened': '' });
      row.append(el('a', { href: o.url, target: '_blank', rel: 'noopener noreferrer' }, o.url));
      row.append(el('span', { class: 'muted' }, new Date(o.at).toLocaleTimeString()));
      opened.append(row);
    }
    $('opened-section').hidden = !(s.opened && s.opened.length);
    $('leave').hidden = !s.canLeave;
    $('stop-all').disabled = s.ended;
    $('leave').disabled = s.ended;
    if (s.ended) banner('The session has ended. You can close this window.');
  }

  function chatError(text) {
    const e = $('chat-error');
    e.textContent = text;
    e.hidden = !text;
  }

  async function sendChat() {
    const box = $('chat-text');
    const text = box.value.trim();
    if (!text || sending) return;
    sending = true;
    $('chat-send').disabled = true;
    try {
      const res = await fetch('chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
      if (res.ok) {
        box.value = '';
        localChatError = '';
        render(await res.json());
      } else chatError((localChatError = await res.text()));
    } catch (e) {
      chatError((localChatError = 'The agent is not answering (it may have ended).'));
    } finally {
      sending = false;
      $('chat-send').disabled = false;
    }
  }

  $('chat-form').addEventListener('submit', (e) => { e.preventDefault(); sendChat(); });
  $('chat-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendChat(); }
  });
  $('stop-all').addEventListener('click', () => post('stop-all'));
  $('leave').addEventListener('click', () => post('leave'));

  const events = new EventSource('events');
  events.onmessage = (e) => { banner(''); render(JSON.parse(e.data)); };
  events.onerror = () => { if (!busy) banner('The agent is not answering (it may have ended).'); };
})();
</script>
</body>
</html>
`;
