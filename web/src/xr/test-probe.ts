import type { Vec3 } from '../protocol';

/**
 * Read-only facts for end-to-end tests, as `window.__medvision`. The view
 * updates these fields in place; nothing here drives the client.
 */
export interface TestProbe {
  tick: number;
  connected: boolean;
  bodies: Map<number, Readonly<Vec3>>;
}

declare global {
  interface Window {
    __medvision?: Readonly<TestProbe>;
  }
}

export function publishTestProbe(bodies: Map<number, Readonly<Vec3>>): TestProbe {
  const probe: TestProbe = { tick: 0, connected: false, bodies };
  window.__medvision = probe;
  return probe;
}
