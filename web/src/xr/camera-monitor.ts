import {
  BoxGeometry,
  CylinderGeometry,
  Group,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PerspectiveCamera,
  PlaneGeometry,
  WebGLRenderTarget,
  type Object3D,
  type WebGLRenderer,
} from 'three';
import type { CameraView } from '../protocol';

/**
 * A module's camera on a monitor in the room. A session whose module serves
 * a camera (SessionModule::cameras, the first camera in the KEYFRAME) is
 * worked through that camera's picture, as a surgeon works through an
 * endoscope's: the camera renders the scene into a texture at a modest
 * resolution, and that texture is the screen of a monitor across the table,
 * at eye level, in front of the person at the station. The render target and
 * every object are made once; a frame only renders.
 */
export interface CameraMonitor {
  /** Stand, housing and screen; hidden until a keyframe names a camera. */
  monitor: Group;
  screen: Mesh<PlaneGeometry, MeshBasicMaterial>;
  camera: PerspectiveCamera;
  target: WebGLRenderTarget;
  /** The camera's name, '' while there is none. */
  cameraName: string;
  /** Images rendered so far. */
  frames: number;
}

/** The camera's image: 4:3 like an SD/HD endoscopy tower's picture, 512 x 384 (modest: the frame budget). */
export const MONITOR_IMAGE = { width: 512, height: 384 } as const;
const SCREEN = { width: 0.64, height: 0.48 }; // metres: a 32-inch 4:3 monitor
/** Across the table from the station (at +z, facing -z), the screen centre at eye level. */
export const MONITOR_POSE = { x: 0, y: 1.45, z: -0.75, tiltRad: -0.08 } as const;

/**
 * Where someone working through the camera stands (the floor under the
 * head): facing the monitor across the table, with what the hands work
 * (about 0.2 m in front, at waist to chest height) in reach. In the headset
 * the view moves the player rig here when a session first shows a camera.
 */
export const MONITOR_STATION = { x: 0, z: 0.45 } as const;

export function createCameraMonitor(): CameraMonitor {
  const target = new WebGLRenderTarget(MONITOR_IMAGE.width, MONITOR_IMAGE.height, { depthBuffer: true });
  target.texture.name = 'camera-monitor-image';
  const camera = new PerspectiveCamera(60, MONITOR_IMAGE.width / MONITOR_IMAGE.height, 0.005, 2);
  camera.name = 'monitor-camera';

  const monitor = new Group();
  monitor.name = 'camera-monitor';
  monitor.position.set(MONITOR_POSE.x, MONITOR_POSE.y, MONITOR_POSE.z);
  monitor.rotation.x = MONITOR_POSE.tiltRad;
  const housing = new Mesh(
    new BoxGeometry(SCREEN.width + 0.04, SCREEN.height + 0.04, 0.04),
    new MeshLambertMaterial({ color: 0x1c1f24 }),
  );
  housing.position.z = -0.021;
  const screen = new Mesh(new PlaneGeometry(SCREEN.width, SCREEN.height), new MeshBasicMaterial({ map: target.texture }));
  screen.name = 'camera-monitor-screen';
  const pole = new Mesh(new CylinderGeometry(0.015, 0.015, 0.5, 12), new MeshLambertMaterial({ color: 0x8a9099 }));
  pole.position.set(0, SCREEN.height / 2 + 0.25, -0.04);
  monitor.add(housing, screen, pole);
  monitor.visible = false;
  return { monitor, screen, camera, target, cameraName: '', frames: 0 };
}

/** Places the camera as the keyframe says; null hides the monitor (no camera in this session). */
export function setMonitorCamera(view: CameraMonitor, camera: CameraView | null): void {
  view.monitor.visible = camera !== null;
  view.cameraName = camera?.name ?? '';
  if (camera === null) return;
  view.camera.position.set(camera.position.x, camera.position.y, camera.position.z);
  view.camera.quaternion.set(camera.orientation.x, camera.orientation.y, camera.orientation.z, camera.orientation.w).normalize();
  view.camera.fov = (camera.verticalFov * 180) / Math.PI;
  view.camera.updateProjectionMatrix();
  view.camera.updateMatrixWorld();
}

/**
 * Renders the camera's image into the monitor's texture. Called in the
 * animation loop before the eyes (or the desktop camera) are drawn. WebXR
 * must be off for this pass, or three.js would draw the headset's two eye
 * views into the texture; the monitor is hidden so its screen never samples
 * the texture it is being drawn into.
 */
export function renderMonitorCamera(view: CameraMonitor, renderer: WebGLRenderer, scene: Object3D): void {
  if (!view.monitor.visible) return;
  const xrEnabled = renderer.xr.enabled;
  const previous = renderer.getRenderTarget();
  renderer.xr.enabled = false;
  view.monitor.visible = false;
  renderer.setRenderTarget(view.target);
  renderer.render(scene, view.camera);
  renderer.setRenderTarget(previous);
  view.monitor.visible = true;
  renderer.xr.enabled = xrEnabled;
  view.frames += 1;
}

/** The monitor's image as a test reads it: luminance on a coarse grid, its mean and spread. */
export interface MonitorImageSample {
  width: number;
  height: number;
  /** Mean luminance (0..255) of each cell of a `width` x `height` grid, row by row from the bottom. */
  cells: number[];
  mean: number;
  sd: number;
}

/** Reads the texture back (a GPU stall: for tests only, never per frame). */
export function sampleMonitorImage(view: CameraMonitor, renderer: WebGLRenderer, gridWidth = 32, gridHeight = 24): MonitorImageSample {
  const { width, height } = MONITOR_IMAGE;
  const pixels = new Uint8Array(width * height * 4);
  renderer.readRenderTargetPixels(view.target, 0, 0, width, height, pixels);
  const sums = new Array<number>(gridWidth * gridHeight).fill(0);
  const counts = new Array<number>(gridWidth * gridHeight).fill(0);
  let sum = 0;
  let sumSq = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      const l = 0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!;
      sum += l;
      sumSq += l * l;
      const cell = Math.floor((y * gridHeight) / height) * gridWidth + Math.floor((x * gridWidth) / width);
      sums[cell]! += l;
      counts[cell]! += 1;
    }
  }
  const n = width * height;
  const mean = sum / n;
  return {
    width: gridWidth,
    height: gridHeight,
    cells: sums.map((s, i) => s / Math.max(1, counts[i]!)),
    mean,
    sd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
  };
}

export function disposeCameraMonitor(view: CameraMonitor): void {
  view.target.dispose();
  view.monitor.traverse((o) => {
    if (o instanceof Mesh) {
      o.geometry.dispose();
      (o.material as MeshBasicMaterial).dispose();
    }
  });
}
