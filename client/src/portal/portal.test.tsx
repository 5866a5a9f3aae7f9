import { createRoot, createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FileProgress, IdentityFieldPublic, PortalSession, SessionLogEntry } from '../../../server/protocol/support.ts';
import { ApiError } from '../api/http.ts';
import { FakeSocket } from '../test/fakeSocket.ts';
import { byLabel, byRole, flush, key, mount, queryText, submit, type } from '../test/dom.ts';
import { AccessCodeForm } from './AccessCodeForm.tsx';
import { ChatList } from './ChatList.tsx';
import { Composer } from './Composer.tsx';
import { mergeEntries } from './chatLog.ts';
import { createCustomerSession, type CustomerSession } from './customerSession.ts';
import { FilesPanel } from './FilesPanel.tsx';
import type { SessionFile } from './fileTransfer.ts';
import { deskParam } from './PortalApp.tsx';
import { RequestForm } from './RequestForm.tsx';
import { Survey, safeSurveyUrl } from './Survey.tsx';
import { assignServerProblems, checkFields, normalizeCode } from './validation.ts';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

const FIELDS: IdentityFieldPublic[] = [
  { slot: 1, label: 'Name', type: 'text', required: true, maxLength: 50, pattern: '', example: '' },
  { slot: 2, label: 'E-mail', type: 'email', required: false, maxLength: 100, pattern: '', example: '' },
  { slot: 4, label: 'Customer number', type: 'number', required: true, maxLength: 8, pattern: '\\d{5}', example: '12345' },
];

const entry = (id: number, actor: string, name: string, text: string, kind = 'chat'): SessionLogEntry => ({
  id,
  at: new Date(2026, 0, 1, 14, id).toISOString(),
  actor,
  name,
  kind,
  text,
});

describe('identity field checks', () => {
  it('reports each problem in the server’s words and trims what it sends', () => {
    expect(checkFields(FIELDS, {}).problems).toEqual({ '1': 'Name is required', '4': 'Customer number is required' });
    expect(checkFields(FIELDS, { '1': 'Pat', '2': 'pat@', '4': '12' }).problems).toEqual({
      '2': 'E-mail must be an e-mail address',
      '4': 'Customer number must look like 12345',
    });
    expect(checkFields(FIELDS, { '1': ' Pat ', '2': '', '4': '12345' })).toEqual({ values: { '1': 'Pat', '4': '12345' }, problems: {} });
  });

  it('spreads a server 422 reason over the fields it names', () => {
    const { problems, rest } = assignServerProblems(FIELDS, 'Name is required; E-mail must be an e-mail address; unknown field "9"');
    expect(problems).toEqual({ '1': 'Name is required', '2': 'E-mail must be an e-mail address' });
    expect(rest).toEqual(['unknown field "9"']);
  });

  it('takes access codes however they are pasted', () => {
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(normalizeCode('Code: 123-456.')).toBe('123456');
    expect(normalizeCode('1234567')).toBe('123456');
  });

  it('reads ?desk= only as a positive number', () => {
    expect(deskParam('?desk=3')).toBe(3);
    expect(deskParam('?desk=0')).toBeNull();
    expect(deskParam('?desk=3x')).toBeNull();
    expect(deskParam('')).toBeNull();
  });
});

describe('RequestForm', () => {
  it('shows problems beside the fields before sending, then sends the clean values', async () => {
    const onSubmit = vi.fn(async () => {});
    const view = mount(() => <RequestForm fields={FIELDS} deskName="Printers" channel="chat" onSubmit={onSubmit} onCancel={() => {}} />);
    cleanup = view.unmount;
    expect(queryText(view.container, 'Chat with Printers')).toBe(true);
    const form = view.container.querySelector('form')!;
    submit(form);
    await flush();
    expect(onSubmit).not.toHaveBeenCalled();
    const name = byLabel(view.container, 'Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(name.getAttribute('aria-describedby')!)?.textContent).toBe('Name is required');
    expect(document.activeElement).toBe(name);
    expect(queryText(view.container, 'Customer number is required')).toBe(true);

    type(name, 'Pat Doe');
    await flush();
    expect(name.getAttribute('aria-invalid')).toBeNull();
    type(byLabel(view.container, 'E-mail (optional)'), 'pat@example');
    type(byLabel(view.container, 'Customer number'), '12345');
    submit(form);
    await flush();
    expect(onSubmit).not.toHaveBeenCalled();
    expect(queryText(view.container, 'E-mail must be an e-mail address')).toBe(true);

    type(byLabel(view.container, 'E-mail (optional)'), ' pat@example.com ');
    submit(form);
    await flush();
    expect(onSubmit).toHaveBeenCalledWith({ '1': 'Pat Doe', '2': 'pat@example.com', '4': '12345' });
  });

  it('shows the server’s refusal: per field for a 422, as a message otherwise', async () => {
    let answer: Error = new ApiError(422, 'Customer number must look like 12345');
    const view = mount(() => (
      <RequestForm
        fields={FIELDS}
        deskName={null}
        channel="remote"
        onSubmit={async () => {
          throw answer;
        }}
        onCancel={() => {}}
      />
    ));
    cleanup = view.unmount;
    expect(queryText(view.container, 'Remote assistance from an engineer')).toBe(true);
    type(byLabel(view.container, 'Name'), 'Pat');
    type(byLabel(view.container, 'Customer number'), '12345');
    submit(view.container.querySelector('form')!);
    await flush();
    expect(byLabel(view.container, 'Customer number').getAttribute('aria-invalid')).toBe('true');
    expect(byRole(view.container, 'alert').textContent).toBe('Please correct the marked fields.');

    answer = new ApiError(409, 'nobody is online at this desk right now; please try again later');
    submit(view.container.querySelector('form')!);
    await flush();
    expect(byRole(view.container, 'alert').textContent).toBe('Nobody is online at this desk right now; please try again later.');
  });
});

describe('AccessCodeForm', () => {
  it('keeps digits only, wants six of them, and shows why a code was refused', async () => {
    const onSubmit = vi.fn(async (_code: string, _fields: Record<string, string>) => {
      throw new ApiError(404, 'this code is wrong, used or expired');
    });
    const view = mount(() => <AccessCodeForm fields={[]} onSubmit={onSubmit} />);
    cleanup = view.unmount;
    const input = byLabel(view.container, 'Access code');
    type(input, '123 45');
    expect(input.value).toBe('12345');
    submit(view.container.querySelector('form')!);
    await flush();
    expect(onSubmit).not.toHaveBeenCalled();
    expect(byRole(view.container, 'alert').textContent).toBe('The access code has 6 digits.');
    type(input, '123-456');
    submit(view.container.querySelector('form')!);
    await flush();
    expect(onSubmit).toHaveBeenCalledWith('123456', {});
    expect(byRole(view.container, 'alert').textContent).toBe('This code is wrong, used or expired.');
  });

  it('asks the identity fields once the code is complete, at the field, before anything is sent', async () => {
    const onSubmit = vi.fn(async (_code: string, _fields: Record<string, string>) => {});
    const asked = [
      { slot: 1, label: 'Name', type: 'text', required: true, maxLength: 100, pattern: '', example: '' },
      { slot: 2, label: 'E-mail', type: 'email', required: false, maxLength: 100, pattern: '', example: '' },
    ] as const;
    const view = mount(() => <AccessCodeForm fields={[...asked]} onSubmit={onSubmit} />);
    cleanup = view.unmount;
    const input = byLabel(view.container, 'Access code');
    type(input, '12345');
    await flush();
    expect(view.container.querySelector('[data-slot="1"]')).toBeNull(); // not before the code is whole
    type(input, '123456');
    await flush();
    submit(view.container.querySelector('form')!);
    await flush();
    expect(onSubmit).not.toHaveBeenCalled();
    const name = byLabel(view.container, 'Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(name);
    type(name, 'Pat Customer');
    submit(view.container.querySelector('form')!);
    await flush();
    expect(onSubmit).toHaveBeenCalledWith('123456', { '1': 'Pat Customer' });
  });
});

describe('ChatList', () => {
  it('makes the addresses an engineer sends clickable (http and https only, in a new tab)', () => {
    const view = mount(() => <ChatList entries={[entry(1, 'engineer:2', 'Erin', 'Status: https://status.example.com/vpn?step=2. Not javascript:alert(1)')]} />);
    cleanup = view.unmount;
    const links = Array.from(view.container.querySelectorAll('a'));
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://status.example.com/vpn?step=2']);
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[0]!.getAttribute('rel')).toContain('noopener');
    expect(view.container.querySelector('.chat-text')!.textContent).toBe('Status: https://status.example.com/vpn?step=2. Not javascript:alert(1)');
    view.unmount();
    cleanup = null;
  });

  it('lists lines with names and times, the customer’s own as "You", join notices apart', () => {
    const entries = mergeEntries(
      [],
      [
        entry(3, 'customer', 'Pat', 'My printer is on fire'),
        entry(1, 'engineer:2', 'Erin Engineer', 'Hi, I am here to help.'),
        entry(2, 'customer', 'Pat', 'request created', 'status'),
        entry(4, 'system', 'System', 'outside expert Olga joined', 'join'),
        entry(1, 'engineer:2', 'Erin Engineer', 'Hi, I am here to help.'),
      ],
    );
    expect(entries.map((e) => e.id)).toEqual([1, 3, 4]);
    const view = mount(() => <ChatList entries={entries} />);
    cleanup = view.unmount;
    const log = byRole(view.container, 'log');
    expect(log.getAttribute('aria-label')).toBe('Conversation');
    const lines = Array.from(log.querySelectorAll('li'));
    expect(lines.map((l) => l.className)).toEqual(['chat-line staff', 'chat-line me', 'chat-line system']);
    expect(lines[0]!.querySelector('.chat-name')!.textContent).toBe('Erin Engineer');
    expect(lines[0]!.querySelector('.chat-text')!.textContent).toBe('Hi, I am here to help.');
    expect(lines[0]!.querySelector('time')!.getAttribute('datetime')).toBe(entries[0]!.at);
    expect(lines[0]!.querySelector('time')!.textContent).toMatch(/\d/);
    expect(lines[1]!.querySelector('.chat-name')!.textContent).toBe('You');
    expect(lines[2]!.textContent).toContain('Outside expert Olga joined.');
  });

  it('renders text as text, never as markup', () => {
    const view = mount(() => <ChatList entries={[entry(1, 'customer', 'Pat', '<img src=x onerror=alert(1)>')]} />);
    cleanup = view.unmount;
    expect(view.container.querySelector('img')).toBeNull();
    expect(queryText(view.container, '<img src=x onerror=alert(1)>')).toBe(true);
  });
});

describe('Survey', () => {
  it('asks for a rating first, then sends rating, solved and comment', async () => {
    const onSubmit = vi.fn(async () => {});
    const view = mount(() => <Survey surveyUrl={null} done={false} onSubmit={onSubmit} />);
    cleanup = view.unmount;
    submit(view.container.querySelector('form')!);
    await flush();
    expect(byRole(view.container, 'alert').textContent).toBe('Choose a rating from 1 to 5 stars.');
    byLabel(view.container, '4 stars').click();
    byLabel(view.container, 'Yes').click();
    type(byLabel<HTMLTextAreaElement>(view.container, 'Comment (optional)'), '  Quick and kind.  ');
    submit(view.container.querySelector('form')!);
    await flush();
    expect(onSubmit).toHaveBeenCalledWith({ rating: 4, solved: true, comment: 'Quick and kind.' });
    expect(queryText(view.container, 'Thank you for your feedback.')).toBe(true);
  });

  it('offers the provider’s own survey instead, only as an http(s) link', () => {
    const view = mount(() => <Survey surveyUrl="https://survey.example.com/s?id=1" done={false} onSubmit={async () => {}} />);
    cleanup = view.unmount;
    expect(view.container.querySelector('form')).toBeNull();
    const link = view.container.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://survey.example.com/s?id=1');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(safeSurveyUrl('javascript:alert(1)')).toBeNull();
  });
});


describe('customer session', () => {
  const queued: PortalSession = { id: 7, status: 'queued', channel: 'chat', engineer: null, surveyUrl: null, surveyDone: false, recording: 'always', recordingNow: false, agentConnected: false };

  it('goes live when the engineer takes the request, catches up after a drop, and stops at the end', async () => {
    FakeSocket.all = [];
    const logCalls: number[] = [];
    const server: SessionLogEntry[] = [];
    const api = {
      log: vi.fn(async (_token: string, after: number) => {
        logCalls.push(after);
        return server.filter((e) => e.id > after);
      }),
      chat: vi.fn(async (_token: string, text: string) => entry(50, 'customer', 'Pat', text)),
      session: vi.fn(async () => queued),
    };
    await createRoot(async (dispose) => {
      const live = createCustomerSession('tok', queued, { api, createSocket: (url) => new FakeSocket(url), backoff: { baseMs: 5, maxMs: 5 } });
      expect(FakeSocket.all[0]!.url).toContain('/api/portal/ws?token=tok');
      FakeSocket.all[0]!.open();
      expect(live.link()).toBe('open');
      FakeSocket.all[0]!.message({ type: 'session', session: { ...queued, status: 'active', engineer: 'Erin' } });
      FakeSocket.all[0]!.message({ type: 'log', entries: [entry(10, 'engineer:1', 'Erin', 'Welcome')] });
      expect(live.session().status).toBe('active');
      expect(live.entries().map((e) => e.text)).toEqual(['Welcome']);

      // A drop: what was said meanwhile comes by REST once the socket is back.
      FakeSocket.all[0]!.drop();
      expect(live.link()).toBe('reconnecting');
      server.push(entry(10, 'engineer:1', 'Erin', 'Welcome'), entry(11, 'engineer:1', 'Erin', 'Are you there?'));
      await new Promise((r) => setTimeout(r, 20));
      FakeSocket.all[1]!.open();
      await flush();
      expect(logCalls.at(-1)).toBe(10);
      expect(live.entries().map((e) => e.text)).toEqual(['Welcome', 'Are you there?']);

      await live.send('Yes!');
      expect(api.chat).toHaveBeenCalledWith('tok', 'Yes!');
      expect(live.entries().map((e) => e.id)).toEqual([10, 11, 50]);

      FakeSocket.all[1]!.message({ type: 'session', session: { ...queued, status: 'ended', engineer: 'Erin' } });
      expect(live.link()).toBe('closed');
      expect(FakeSocket.all[1]!.readyState).toBe(3);
      dispose();
    });
  });

  it('gives up when the server no longer knows the token', async () => {
    FakeSocket.all = [];
    const onGone = vi.fn();
    const api = {
      log: vi.fn(async () => {
        throw new ApiError(401, 'unknown or expired customer session');
      }),
      chat: vi.fn(),
      session: vi.fn(),
    };
    createRoot((dispose) => {
      createCustomerSession('old', queued, { api, onGone, createSocket: (url) => new FakeSocket(url) });
      cleanup = dispose;
    });
    await flush();
    expect(onGone).toHaveBeenCalledTimes(1);
  });
});

describe('Composer', () => {
  it('sends on Enter, keeps a newline on Shift+Enter, and keeps the text when sending fails', async () => {
    const sent: string[] = [];
    let fail = false;
    const view = mount(() => (
      <Composer
        onSend={async (text) => {
          if (fail) throw new ApiError(409, 'the session has ended');
          sent.push(text);
        }}
      />
    ));
    cleanup = view.unmount;
    const box = byLabel<HTMLTextAreaElement>(view.container, 'Message');
    type(box, 'hello');
    expect(key(box, 'Enter', { shiftKey: true }).defaultPrevented).toBe(false);
    expect(key(box, 'Enter').defaultPrevented).toBe(true);
    await flush();
    expect(sent).toEqual(['hello']);
    expect(box.value).toBe('');
    fail = true;
    type(box, 'anyone?');
    key(box, 'Enter');
    await flush();
    expect(box.value).toBe('anyone?');
    expect(byRole(view.container, 'alert').textContent).toBe('The session has ended.');
  });
});

describe('FilesPanel', () => {
  it('lists files both ways, follows live progress, and offers the engineer’s complete files for download', async () => {
    const [progress, setProgress] = createSignal<FileProgress | null>(null, { equals: false });
    const [link] = createSignal<'open'>('open');
    const base = { sessionId: 7, sha256: 'a'.repeat(64), createdAt: '', completedAt: null, uploader: 'engineer:1' };
    let list: SessionFile[] = [
      { ...base, id: 1, direction: 'to-customer', name: 'driver.zip', size: 2048, received: 1024, status: 'uploading' },
      { ...base, id: 2, direction: 'from-customer', name: 'screen.png', size: 10, received: 10, status: 'complete' },
    ];
    const api = { list: vi.fn(async () => list), announce: vi.fn(), content: vi.fn(async () => new Blob(['x'])) };
    const live = { fileProgress: progress, link } as unknown as CustomerSession;
    const view = mount(() => <FilesPanel live={live} token="tok" status="active" api={api as never} />);
    cleanup = view.unmount;
    await flush();
    const region = view.container.querySelector('section.files')!;
    expect(queryText(region, 'from the engineer')).toBe(true);
    expect(view.container.querySelector('progress')!.getAttribute('aria-label')).toBe('Receiving driver.zip');
    expect(queryText(region, 'Sent, checked')).toBe(true);

    setProgress({ sessionId: 7, fileId: 1, name: 'driver.zip', received: 2048, size: 2048, status: 'complete', by: 'Erin' });
    await flush();
    expect(view.container.querySelector('progress')).toBeNull();
    expect(byRole(view.container, 'button', 'Download driver.zip')).toBeTruthy();
    expect(byLabel(view.container, 'Send a file').getAttribute('type')).toBe('file');

    // A file not seen yet makes the panel fetch the list again.
    list = [{ ...list[0]!, received: 2048, status: 'complete' }, list[1]!, { ...base, id: 3, direction: 'to-customer', name: 'fix.ps1', size: 5, received: 0, status: 'uploading' }];
    setProgress({ sessionId: 7, fileId: 3, name: 'fix.ps1', received: 0, size: 5, status: 'uploading', by: 'Erin' });
    await flush();
    expect(queryText(region, 'fix.ps1')).toBe(true);

    const created = vi.fn(() => 'blob:x');
    URL.createObjectURL = created;
    URL.revokeObjectURL = () => {};
    byRole(view.container, 'button', 'Download driver.zip').click();
    await flush();
    expect(api.content).toHaveBeenCalledWith('tok', 1);
    expect(created).toHaveBeenCalledTimes(1);
  });
});
