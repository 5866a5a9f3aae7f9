// "Signature" beside the chat box: puts the engineer's profile signature under what they are writing. Without a
// signature it says where to set one.
import { Show } from 'solid-js';

export function SignatureButton(props: { signature: string; onInsert: (text: string) => void }) {
  const signature = () => props.signature.trim();
  return (
    <Show
      when={signature()}
      fallback={
        <a class="button small" href="/profile" title="You have no signature yet; set one in your profile">
          Set a signature
        </a>
      }
    >
      <button type="button" class="button small" title={`Insert your signature: ${signature()}`} onClick={() => props.onInsert(signature())}>
        Signature
      </button>
    </Show>
  );
}
