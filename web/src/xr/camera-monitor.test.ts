import { Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { createCameraMonitor, MONITOR_IMAGE, MONITOR_POSE, setMonitorCamera } from './camera-monitor';

describe('camera monitor', () => {
  it('stays hidden until a keyframe names a camera, and hides again without one', () => {
    const view = createCameraMonitor();
    expect(view.monitor.visible).toBe(false);
    setMonitorCamera(view, { id: 1, name: 'laparoscope', position: { x: 0, y: 1.02, z: 0.16 }, orientation: { x: 0, y: 0, z: 0, w: 1 }, verticalFov: 1.1 });
    expect(view.monitor.visible).toBe(true);
    expect(view.cameraName).toBe('laparoscope');
    setMonitorCamera(view, null);
    expect(view.monitor.visible).toBe(false);
  });

  it('puts the camera where the server says, looking along its local -Z with its field of view', () => {
    const view = createCameraMonitor();
    // Pitched down 0.9 rad about +X: the camera looks forward and down, as into a box on the table.
    const half = -0.45;
    setMonitorCamera(view, {
      id: 1,
      name: 'laparoscope',
      position: { x: 0, y: 1.02, z: 0.16 },
      orientation: { x: Math.sin(half), y: 0, z: 0, w: Math.cos(half) },
      verticalFov: 1.1,
    });
    expect(view.camera.position.toArray()).toEqual([0, 1.02, 0.16]);
    expect(view.camera.fov).toBeCloseTo((1.1 * 180) / Math.PI, 6);
    expect(view.camera.aspect).toBeCloseTo(MONITOR_IMAGE.width / MONITOR_IMAGE.height, 6);
    const forward = view.camera.getWorldDirection(new Vector3());
    expect(forward.x).toBeCloseTo(0, 6);
    expect(forward.y).toBeCloseTo(-Math.sin(0.9), 6);
    expect(forward.z).toBeCloseTo(-Math.cos(0.9), 6);
  });

  it('shows the camera\'s texture on a monitor across the table, facing the station at eye level', () => {
    const view = createCameraMonitor();
    expect(view.screen.material.map).toBe(view.target.texture);
    expect(view.target.width).toBe(MONITOR_IMAGE.width);
    expect(view.monitor.position.z).toBeLessThan(0); // beyond the table; the station is at +z
    expect(view.monitor.position.y).toBeCloseTo(MONITOR_POSE.y, 6);
    view.monitor.updateMatrixWorld();
    const normal = new Vector3(0, 0, 1).transformDirection(view.screen.matrixWorld);
    expect(normal.z).toBeGreaterThan(0.9); // the screen faces +z
  });
});
