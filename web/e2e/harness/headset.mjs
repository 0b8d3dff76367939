// What the emulated-headset cases share: IWER (an emulated Meta Quest 3)
// injected as init scripts, quaternion arithmetic for controller poses, and
// the frame the headset shows.

import { readFileSync } from 'node:fs';

// IWER's UMD build (the global `IWER`) as an init script, so that it never
// enters the production bundle. forceInstall: chromium has a native
// navigator.xr, which IWER would otherwise leave in place.
const IWER_SCRIPT = readFileSync(new URL('../../node_modules/iwer/build/iwer.min.js', import.meta.url), 'utf8');

/** Init scripts for a Quest 3 whose head is pitched `degrees` (negative: looking down), as `window.__headset`. */
export function headsetInitScripts(degrees) {
  const install = `
  (() => {
    const device = new IWER.XRDevice(IWER.metaQuest3, { stereoEnabled: true });
    device.installRuntime({ forceInstall: true });
    device.quaternion.set(${Math.sin((degrees * Math.PI) / 360)}, 0, 0, ${Math.cos((degrees * Math.PI) / 360)});
    window.__headset = device;
  })();
`;
  return [IWER_SCRIPT, install];
}

/** The rotation by `angle` about the unit axis, as [x, y, z, w]. */
export const axisAngle = ([x, y, z], angle) => [x * Math.sin(angle / 2), y * Math.sin(angle / 2), z * Math.sin(angle / 2), Math.cos(angle / 2)];
/** Hamilton product a * b (rotate by b, then by a), quaternions as [x, y, z, w]. */
export const quatMul = ([ax, ay, az, aw], [bx, by, bz, bw]) => [
  aw * bx + ax * bw + ay * bz - az * by,
  aw * by - ax * bz + ay * bw + az * bx,
  aw * bz + ax * by - ay * bx + az * bw,
  aw * bw - ax * bx - ay * by - az * bz,
];

/** The frame the headset shows: the view's WebGL canvas, which IWER draws both eyes into, side by side (PNG bytes). */
export const screenshotEyes = (page) => page.locator('#scene-canvas').screenshot({ timeout: 10_000 });
