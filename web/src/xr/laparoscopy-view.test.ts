import { Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { createLaparoscopyView, MONITOR_POSE, SCOPE_IMAGE, setLaparoscope } from './laparoscopy-view';

describe('laparoscopy view', () => {
  it('stays hidden until a keyframe names a camera, and hides again without one', () => {
    const view = createLaparoscopyView();
    expect(view.monitor.visible).toBe(false);
    setLaparoscope(view, { id: 1, name: 'laparoscope', position: { x: 0, y: 1.02, z: 0.16 }, orientation: { x: 0, y: 0, z: 0, w: 1 }, verticalFov: 1.1 });
    expect(view.monitor.visible).toBe(true);
    expect(view.cameraName).toBe('laparoscope');
    setLaparoscope(view, null);
    expect(view.monitor.visible).toBe(false);
  });

  it('puts the scope where the server says, looking along its local -Z with its field of view', () => {
    const view = createLaparoscopyView();
    // Pitched down 0.9 rad about +X: the scope looks forward and down, as into the box trainer.
    const half = -0.45;
    setLaparoscope(view, {
      id: 1,
      name: 'laparoscope',
      position: { x: 0, y: 1.02, z: 0.16 },
      orientation: { x: Math.sin(half), y: 0, z: 0, w: Math.cos(half) },
      verticalFov: 1.1,
    });
    expect(view.scope.position.toArray()).toEqual([0, 1.02, 0.16]);
    expect(view.scope.fov).toBeCloseTo((1.1 * 180) / Math.PI, 6);
    expect(view.scope.aspect).toBeCloseTo(SCOPE_IMAGE.width / SCOPE_IMAGE.height, 6);
    const forward = view.scope.getWorldDirection(new Vector3());
    expect(forward.x).toBeCloseTo(0, 6);
    expect(forward.y).toBeCloseTo(-Math.sin(0.9), 6);
    expect(forward.z).toBeCloseTo(-Math.cos(0.9), 6);
  });

  it('shows the scope texture on a monitor across the box, facing the trainee at eye level', () => {
    const view = createLaparoscopyView();
    expect(view.screen.material.map).toBe(view.target.texture);
    expect(view.target.width).toBe(SCOPE_IMAGE.width);
    expect(view.monitor.position.z).toBeLessThan(0); // beyond the box; the trainee stands at +z
    expect(view.monitor.position.y).toBeCloseTo(MONITOR_POSE.y, 6);
    view.monitor.updateMatrixWorld();
    const normal = new Vector3(0, 0, 1).transformDirection(view.screen.matrixWorld);
    expect(normal.z).toBeGreaterThan(0.9); // the screen faces +z
  });
});
