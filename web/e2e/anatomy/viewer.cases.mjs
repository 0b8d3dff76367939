// The anatomy viewer on a desktop, with the generated specimen (specimen.mjs):
// a click labels the structure under it, two clicks in measure mode give the
// distance in millimetres, and the clip depth slider cuts model and volume.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loggedInPage } from '../harness/browser.mjs';
import { log } from '../harness/log.mjs';
import { RESULTS_DIR } from '../harness/paths.mjs';
import { decodePng, findColourRegions, hueDistance } from '../harness/pixels.mjs';
import { pollUntil, sleep } from '../harness/wait.mjs';
import { APART_MM, BOX_MM, openSpecimen, STRUCTURES } from './specimen.mjs';

export const cases = [
  {
    name: 'viewer-labels-and-measures',
    behaviour: 'the anatomy viewer loads a .glb and a volume, labels a clicked structure and measures in mm',
    run: labelAndMeasure,
  },
];

async function labelAndMeasure({ server, context }) {
  const { page, pageErrors } = await loggedInPage(server, context);
  try {
    await openSpecimen(page);
    log('anatomy:', await page.textContent('#anatomy-status'));
    await sleep(500);

    const canvas = page.locator('#viewport canvas');
    const box = await canvas.boundingBox();
    const shot = await canvas.screenshot();
    writeFileSync(join(RESULTS_DIR, 'anatomy.png'), shot);
    const regions = findColourRegions(decodePng(shot));
    const found = STRUCTURES.map((s) => {
      const region = regions.find((r) => hueDistance(r.hue, s.hue) < 25);
      if (region === undefined) throw new Error(`no ${s.label} (hue ${s.hue}) in anatomy.png: ${regions.map((r) => r.hue.toFixed(0)).join(', ')}`);
      return { ...s, at: { x: box.x + region.cx, y: box.y + region.cy } };
    });

    for (const s of found) {
      await page.mouse.click(s.at.x, s.at.y);
      await pollUntil(5000, `the label "${s.label}"`, async () => (await page.textContent('#anatomy-readout')) === s.label);
      log(`anatomy: clicked ${s.label} at (${s.at.x.toFixed(0)}, ${s.at.y.toFixed(0)}): labelled "${s.label}"`);
    }
    await sleep(300);
    writeFileSync(join(RESULTS_DIR, 'anatomy-label.png'), await canvas.screenshot());

    await page.check('#anatomy-measure');
    await page.mouse.click(found[0].at.x, found[0].at.y);
    await pollUntil(5000, 'the first measure point', async () => /second point/.test(await page.textContent('#anatomy-readout')));
    await page.mouse.click(found[1].at.x, found[1].at.y);
    const readout = await pollUntil(5000, 'a distance', async () => {
      const text = await page.textContent('#anatomy-readout');
      return /distance [\d.]+ mm/.test(text) ? text : null;
    });
    const mm = Number(/distance ([\d.]+) mm/.exec(readout)[1]);
    writeFileSync(join(RESULTS_DIR, 'anatomy-measure.png'), await canvas.screenshot());
    // Both points lie on the boxes' faces, near their centres: the distance is
    // the centre-to-centre distance give or take where on the faces the clicks landed.
    log(`anatomy: measured ${mm} mm between the structures (centres ${APART_MM} mm apart)`);
    if (Math.abs(mm - APART_MM) > BOX_MM / 2) throw new Error(`measured ${mm} mm, expected about ${APART_MM} mm`);

    // The clip depth slider: a plane across the view through the specimen's middle cuts away what is
    // nearer the eye (the camera stands on the liver's side, +x), model and volume alike; back at the end
    // of its travel, nothing is cut.
    await page.uncheck('#anatomy-measure');
    const structurePixels = async (file) => {
      const buffer = await canvas.screenshot();
      writeFileSync(join(RESULTS_DIR, file), buffer);
      const regions = findColourRegions(decodePng(buffer));
      return Object.fromEntries(STRUCTURES.map((st) => [st.name, regions.filter((r) => hueDistance(r.hue, st.hue) < 25).reduce((n, r) => n + r.area, 0)]));
    };
    const whole = await structurePixels('anatomy-clip-none.png');
    await page.locator('#anatomy-clip').fill('0');
    await sleep(500);
    const cut = await structurePixels('anatomy-clip-half.png');
    await page.locator('#anatomy-clip').fill('0.5');
    await sleep(500);
    const restored = await structurePixels('anatomy-clip-off.png');
    log(`anatomy: clip depth: pixels ${JSON.stringify(whole)} -> ${JSON.stringify(cut)} cut through the middle -> ${JSON.stringify(restored)} with the plane off`);
    if (cut.liver > 0.1 * whole.liver) throw new Error(`the near structure (liver) keeps ${cut.liver} of ${whole.liver} pixels with the plane through the middle`);
    if (cut.left_kidney === 0) throw new Error('the far structure (left kidney) was cut away entirely');
    for (const st of STRUCTURES) {
      if (restored[st.name] < 0.9 * whole[st.name]) throw new Error(`${st.label} did not come back when the plane was turned off (${restored[st.name]} of ${whole[st.name]} pixels)`);
    }
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(RESULTS_DIR, 'anatomy-failure.png') }).catch(() => {});
    throw error;
  }
}
