// A short two-note chime made on the spot with Web Audio: no sound file to download, quiet, under half a second.
let context: AudioContext | null = null;

/** Plays the chime; does nothing where audio is missing or not yet allowed (no click on the page so far). */
export function playChime(): void {
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    context ??= new Ctx();
    if (context.state === 'suspended') void context.resume();
    const start = context.currentTime;
    for (const [i, frequency] of [880, 1320].entries()) {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.type = 'sine';
      tone.frequency.value = frequency;
      const at = start + i * 0.14;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      tone.connect(gain).connect(context.destination);
      tone.start(at);
      tone.stop(at + 0.32);
    }
  } catch {
    // Audio is a nicety: a browser that refuses it still shows the badge, the title and the notification.
  }
}
