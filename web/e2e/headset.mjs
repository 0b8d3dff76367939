// What the emulated-headset cases share: IWER (an emulated Meta Quest 3)
// injected as init scripts, quaternion arithmetic for controller poses, and
// the session's log as the server keeps it.

import { readFileSync } from 'node:fs';

// IWER's UMD build (the global `IWER`) as an init script, so that it never
// enters the production bundle. forceInstall: chromium has a native
// navigator.xr, which IWER would otherwise leave in place.
const IWER_SCRIPT = readFileSync(new URL('../node_modules/iwer/build/iwer.min.js', import.meta.url), 'utf8');

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

/** Every event of the session so far, from the REST API. */
export async function sessionEvents(page, server, sessionId) {
  const response = await page.request.get(`${server.base}/api/sessions/${encodeURIComponent(sessionId)}/events?limit=10000`);
  if (response.status() !== 200) throw new Error(`GET events answered ${response.status()}`);
  const body = await response.json();
  return Array.isArray(body) ? body : body.events;
}

/** The payload of the last INPUT the server logged. */
export async function lastInput(page, server, sessionId) {
  const last = (await sessionEvents(page, server, sessionId)).filter((e) => e.type === 'input').at(-1);
  if (last === undefined) throw new Error('the server has no INPUT from the headset');
  return last.payload;
}
