import type { Vec3 } from '../protocol';

/** Facts about the immersive session, for tests. */
export interface XrProbe {
  presenting: boolean;
  mode: string;
  /** Frames rendered while presenting. */
  frames: number;
}

/** The last frame's renderer.info figures and CPU time spent in the frame callback. */
export interface RenderProbe {
  frames: number;
  drawCalls: number;
  triangles: number;
  cpuMs: number;
}

/** A point or direction in world coordinates (metres). */
export interface ProbeVector {
  x: number;
  y: number;
  z: number;
}

/** One hand as the view tracks it. */
export interface HandProbe {
  tracked: boolean;
  /** A bare hand (hand tracking) rather than a controller. */
  isHand: boolean;
  /** Trigger, or a pinch for a bare hand. */
  select: boolean;
  grip: ProbeVector;
  gripQuaternion: { x: number; y: number; z: number; w: number };
}

/** The anatomy view's specimen (model and volume) and what the hands do with it. */
export interface AnatomyProbe {
  position: ProbeVector;
  /** Uniform scale of the specimen (1 as loaded). */
  scale: number;
  heldLeft: boolean;
  heldRight: boolean;
  /** The last picked structure's label, '' before any. */
  label: string;
  clip: { active: boolean; inHand: boolean; point: ProbeVector; normal: ProbeVector };
  menu: { visible: boolean; pinned: boolean; hovered: number; rows: { id: string; label: string; centre: ProbeVector }[] };
  left: HandProbe;
  right: HandProbe;
}

/** The camera monitor (camera-monitor.ts): the module's camera it shows and its images. */
export interface CameraMonitorProbe {
  /** The keyframe's camera shown on the monitor, '' for none. */
  camera: string;
  /** The camera's images rendered. */
  frames: number;
  /** Reads the monitor's image back (a GPU stall: tests only). */
  sample(): { width: number; height: number; cells: number[]; mean: number; sd: number };
}

/** Deformable meshes as the view holds them. */
export interface MeshProbe {
  count: number;
  /** Vertices written by snapshots so far. */
  verticesApplied: number;
}

/**
 * Read-only facts for end-to-end tests and benchmarks, as
 * `window.__medvision`. The view updates these fields in place; nothing
 * here drives the client.
 */
export interface TestProbe {
  tick: number;
  connected: boolean;
  bodies: Map<number, Readonly<Vec3>>;
  xr: XrProbe;
  render: RenderProbe;
  /** Only in the anatomy view. */
  anatomy?: AnatomyProbe;
  /** Only in the session view. */
  cameraMonitor?: CameraMonitorProbe;
  meshes?: MeshProbe;
  /** Hand forces received and pulses sent (session view). */
  contact?: { snapshots: number; pulses: number; leftN: number; rightN: number };
}

declare global {
  interface Window {
    __medvision?: Readonly<TestProbe>;
  }
}

export function publishTestProbe(bodies: Map<number, Readonly<Vec3>>): TestProbe {
  const probe: TestProbe = {
    tick: 0,
    connected: false,
    bodies,
    xr: { presenting: false, mode: '', frames: 0 },
    render: { frames: 0, drawCalls: 0, triangles: 0, cpuMs: 0 },
  };
  window.__medvision = probe;
  return probe;
}

/** Copies this frame's figures (three.js resets renderer.info at each render; in XR it sums both eyes). */
export function recordRenderStats(probe: { render: RenderProbe }, info: { render: { calls: number; triangles: number } }, cpuMs: number): void {
  probe.render.frames += 1;
  probe.render.drawCalls = info.render.calls;
  probe.render.triangles = info.render.triangles;
  probe.render.cpuMs = cpuMs;
}
