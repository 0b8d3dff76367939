import type { RoomCue } from '../modules/module-ui';

/**
 * Short synthesized tones for prompts, instructor cues and alarms (Web
 * Audio; no sound files to load). Browsers start audio only after a user
 * gesture: the context is created on the first play after one, and a play
 * before that is skipped rather than queued.
 */
export interface CueSound {
  play(kind: RoomCue['kind']): void;
  dispose(): void;
}

const TONES: Record<'prompt' | 'cue' | 'alarm', readonly number[]> = {
  prompt: [660, 880],
  cue: [523, 659, 784],
  alarm: [988, 740, 988, 740],
};
const NOTE_S = 0.12;
const VOLUME = 0.15;

export function createCueSound(): CueSound {
  let context: AudioContext | null = null;
  return {
    play(kind) {
      if (kind === 'grab') return;
      const AudioContextClass = window.AudioContext as typeof AudioContext | undefined;
      if (AudioContextClass === undefined || !navigator.userActivation?.hasBeenActive) return;
      context ??= new AudioContextClass();
      const start = context.currentTime + 0.01;
      TONES[kind].forEach((frequency, i) => {
        const oscillator = context!.createOscillator();
        const gain = context!.createGain();
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(VOLUME, start + i * NOTE_S);
        gain.gain.exponentialRampToValueAtTime(0.001, start + (i + 1) * NOTE_S);
        oscillator.connect(gain).connect(context!.destination);
        oscillator.start(start + i * NOTE_S);
        oscillator.stop(start + (i + 1) * NOTE_S);
      });
    },
    dispose() {
      void context?.close();
      context = null;
    },
  };
}
