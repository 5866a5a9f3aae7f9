// The machine's clipboard text, both ways, while the user allows 'clipboard': on the server's request, and on every
// change another program makes (native change notifications, no polling). Text over the limit never leaves the
// machine: the server gets a `refused` saying so instead.
import { openClipboard, type Clipboard, type ClipboardOptions } from '../../native/capture.ts';
import { MAX_AGENT_MESSAGE_BYTES, MAX_CLIPBOARD_CHARS, type AgentMessage } from '../../server/protocol/agent.ts';

export interface ClipboardBridgeOptions {
  display?: string;
  send: (message: AgentMessage) => boolean;
  log: (line: string) => void;
  /** Largest text in UTF-16 units (what the protocol counts); default MAX_CLIPBOARD_CHARS. */
  maxChars?: number;
  open?: (display: string | undefined, options: ClipboardOptions) => Clipboard;
}

export class ClipboardBridge {
  private clipboard: Clipboard | null = null;
  private readonly maxChars: number;

  constructor(private readonly options: ClipboardBridgeOptions) {
    this.maxChars = Math.min(options.maxChars ?? MAX_CLIPBOARD_CHARS, MAX_CLIPBOARD_CHARS);
  }

  get active(): boolean {
    return this.clipboard !== null;
  }

  /** Opens the clipboard and starts reporting changes. Throws when there is no clipboard to open (no X display). */
  start(): void {
    if (this.clipboard) return;
    // A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4): the native byte limit never cuts
    // below the character limit, which is checked here.
    const clipboard = (this.options.open ?? openClipboard)(this.options.display, { maxBytes: this.maxChars * 3, watch: true });
    clipboard.onChange((change) => {
      if (this.clipboard !== clipboard) return;
      if (change.tooLarge || change.text === null) this.tooLarge();
      else this.offer(change.text);
    });
    this.clipboard = clipboard;
  }

  stop(): void {
    const clipboard = this.clipboard;
    this.clipboard = null;
    clipboard?.close();
  }

  /** The server asked for the clipboard: the text ('' when it holds none), or a refusal when over the limit. */
  async sendCurrent(): Promise<void> {
    const clipboard = this.clipboard;
    if (!clipboard) return;
    let text: string | null;
    try {
      text = await clipboard.get();
    } catch (error) {
      const message = (error as Error).message;
      if (/too large|over|limit|exceed/i.test(message)) this.tooLarge();
      else this.refuse(`could not read the clipboard: ${message}`);
      return;
    }
    if (this.clipboard !== clipboard) return; // revoked while reading: nothing leaves
    this.offer(text ?? '');
  }

  /** Puts the server's text on the clipboard; a refusal when it cannot. */
  async put(text: string): Promise<void> {
    const clipboard = this.clipboard;
    if (!clipboard) return;
    if (text.length > this.maxChars) {
      this.refuse(`clipboard text over ${this.maxChars} characters`);
      return;
    }
    try {
      await clipboard.set(text);
    } catch (error) {
      this.refuse(`could not set the clipboard: ${(error as Error).message}`);
    }
  }

  private offer(text: string): void {
    const message: AgentMessage = { type: 'clipboard', text };
    // The server closes the connection on a message over its limit; escaping can make text longer in JSON.
    if (text.length > this.maxChars || JSON.stringify(message).length > MAX_AGENT_MESSAGE_BYTES) {
      this.tooLarge();
      return;
    }
    this.options.send(message);
  }

  private tooLarge(): void {
    this.options.log(`clipboard not sent: over ${this.maxChars} characters`);
    this.refuse(`the clipboard holds more than ${this.maxChars} characters`);
  }

  private refuse(reason: string): void {
    this.options.send({ type: 'refused', what: 'clipboard', reason });
  }
}
