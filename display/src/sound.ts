import type { AnnouncerOutput } from './announcer.ts';

/**
 * Browser sound for the announcer: a two-tone chime generated with Web Audio (no audio files to ship)
 * and the spoken call through the Web Speech API in Dutch. Both resolve when they have finished.
 * Browsers only play sound after a user gesture on the page unless autoplay is allowed by policy
 * (kiosk-mode Chromium: --autoplay-policy=no-user-gesture-required); `unlockAudio` is wired to the
 * first click or key press as a fallback.
 */
let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (context) return context;
  const Ctor =
    globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  context = new Ctor();
  return context;
}

export function unlockAudio(): Promise<void> {
  const ctx = audioContext();
  if (ctx && ctx.state === 'suspended') return ctx.resume().catch(() => undefined);
  return Promise.resolve();
}

/** True when the browser holds sound back until someone clicks or presses a key on the page. */
export function audioBlocked(): boolean {
  const ctx = audioContext();
  return ctx !== null && ctx.state === 'suspended';
}

export function playChime(): Promise<void> {
  const ctx = audioContext();
  if (!ctx) return Promise.resolve();
  if (ctx.state === 'suspended') void ctx.resume();
  const start = ctx.currentTime + 0.05;
  // Ding-dong: E5 then C5, each with a soft attack and an exponential decay.
  const notes = [
    { freq: 659.25, at: 0 },
    { freq: 523.25, at: 0.45 },
  ];
  for (const note of notes) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = note.freq;
    gain.gain.setValueAtTime(0.0001, start + note.at);
    gain.gain.exponentialRampToValueAtTime(0.5, start + note.at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + note.at + 1.1);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + note.at);
    osc.stop(start + note.at + 1.15);
    // Disconnect so finished nodes are collected (a display runs for days).
    osc.onended = () => {
      osc.disconnect();
      gain.disconnect();
    };
  }
  return new Promise((resolve) => setTimeout(resolve, 1700));
}

export function speakDutch(text: string): Promise<void> {
  const synth = globalThis.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return Promise.resolve();
  return new Promise((resolve) => {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = 'nl-NL';
    utterance.rate = 0.9;
    const voice = synth.getVoices().find((v) => v.lang.toLowerCase().startsWith('nl'));
    if (voice) utterance.voice = voice;
    // Some engines never report the end (no voice installed, a stuck audio device). Give up after a
    // generous reading time and cancel, so utterances never pile up in the engine's own queue.
    const timer = setTimeout(
      () => {
        synth.cancel();
        done();
      },
      2000 + text.length * 150,
    );
    const done = () => {
      clearTimeout(timer);
      utterance.onend = null;
      utterance.onerror = null;
      resolve();
    };
    utterance.onend = done;
    utterance.onerror = done;
    synth.speak(utterance);
  });
}

export const browserSound: AnnouncerOutput = { chime: playChime, speak: speakDutch };
