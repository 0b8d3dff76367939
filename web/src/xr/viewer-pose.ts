import type { Object3D, WebXRManager } from 'three';

/**
 * Copies this frame's viewer pose (the point between the eyes, as the
 * headset reports it) into `head`, a child of the player rig. The
 * renderer's XR camera is built for drawing both eyes and is not always
 * centred between them; the server is told where the head really is.
 * Returns false when the headset has no pose this frame (tracking lost).
 */
export function readViewerPose(xr: WebXRManager, head: Object3D): boolean {
  const frame = xr.getFrame();
  const space = xr.getReferenceSpace();
  if (frame === null || space === null) return false;
  const pose = frame.getViewerPose(space);
  if (pose === undefined || pose === null) return false;
  const p = pose.transform.position;
  const o = pose.transform.orientation;
  head.position.set(p.x, p.y, p.z);
  head.quaternion.set(o.x, o.y, o.z, o.w);
  head.updateMatrixWorld();
  return true;
}
