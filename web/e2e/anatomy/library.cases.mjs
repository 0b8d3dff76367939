// The anatomy library, reached from the sessions page: it lists the bundled
// AAL brain model (built from Debian's mricron templates at the server's
// first start), opens it in the viewer, and a click reads an AAL label.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loggedInPage } from '../harness/browser.mjs';
import { log } from '../harness/log.mjs';
import { RESULTS_DIR } from '../harness/paths.mjs';
import { decodePng, findColourRegions, luminanceStats } from '../harness/pixels.mjs';
import { pollUntil, sleep } from '../harness/wait.mjs';

export const cases = [
  {
    name: 'library-brain-atlas-label',
    behaviour: 'the Anatomy link opens the library, which shows the bundled AAL brain model; a click reads its AAL label',
    run: libraryBrainAtlas,
  },
];

// The AAL atlas' names (index, name, code per line), from the Debian package the server builds the model from.
const AAL_NAMES = '/usr/share/mricron/templates/aal.nii.txt';
const BRAIN_STUDY = 'Colin27 brain MRI (AAL atlas)';
// The bundled model is built at the server's first start (about 4 s with -O2); the case has 90 s in all.
const BUNDLED_MODEL_MS = 75_000;

async function libraryBrainAtlas({ server, context }) {
  const names = new Set(
    readFileSync(AAL_NAMES, 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[1])
      .filter((name) => name !== undefined)
      .map((name) => name.replace(/_/g, ' ')),
  );
  if (names.size !== 116) throw new Error(`${AAL_NAMES} names ${names.size} structures, not 116`);
  const { page, pageErrors } = await loggedInPage(server, context);
  try {
    const t0 = Date.now();
    const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    log('library: follow the Anatomy link from the sessions page');
    await page.click('#nav-anatomy');
    const brain = page.locator('#library-studies li.study', { hasText: BRAIN_STUDY });
    await pollUntil(15_000, `the library lists "${BRAIN_STUDY}"`, async () => (await brain.count()) === 1);
    const progress = new Set();
    const opened = Date.now();
    await pollUntil(BUNDLED_MODEL_MS, 'the bundled brain model open in the viewer', async () => {
      const status = await brain.locator('.model-status').first().textContent();
      if (/^building/.test(status)) progress.add(status);
      if (/^failed/.test(status)) throw new Error(`the bundled model ${status}`);
      const state = await page.getAttribute('#anatomy-status', 'data-state').catch(() => null);
      if (state === 'error') throw new Error(`the viewer says: ${await page.textContent('#anatomy-status')}`);
      return state === 'connected';
    }, 250);
    log(`library: viewer ready after ${((Date.now() - opened) / 1000).toFixed(1)} s; ${progress.size > 0 ? `progress seen: ${[...progress].join(', ')}` : 'the model was ready on arrival'}; the list says`,
      JSON.stringify((await brain.textContent()).replace(/\s+/g, ' ').trim()));
    log('library: viewer', JSON.stringify(await page.textContent('#anatomy-status')));
    if ((await page.getAttribute('#library-studies li.study[aria-current="true"]', 'data-study-id')) !== (await brain.getAttribute('data-study-id'))) {
      throw new Error('the brain study is not marked as the one shown');
    }
    await sleep(1000);

    const canvas = page.locator('#viewport canvas');
    const box = await canvas.boundingBox();
    const shot = await canvas.screenshot();
    writeFileSync(join(RESULTS_DIR, 'library-brain.png'), shot);
    log(`library: screenshot at ${since()}`);
    const png = decodePng(shot);
    const { sd } = luminanceStats(png);
    const regions = findColourRegions(png);
    const hues = new Set(regions.map((r) => Math.round(r.hue / 30)));
    const area = regions.reduce((n, r) => n + r.area, 0);
    log(`library: ${regions.length} coloured regions in ${hues.size} hue bands, ${area} pixels (${((100 * area) / (png.width * png.height)).toFixed(1)}% of the canvas), luminance sd ${sd.toFixed(1)}`);
    if (sd < 8) throw new Error('library-brain.png is uniform: broken render');
    if (area < 0.03 * png.width * png.height) throw new Error('the brain model covers less than 3% of the canvas');
    if (hues.size < 4) throw new Error(`the atlas shows only ${hues.size} hue bands; its structures have many colours`);

    // Click the middle of the largest coloured region: a structure's surface.
    const target = regions[0];
    await page.mouse.click(box.x + target.cx, box.y + target.cy);
    const label = await pollUntil(10_000, 'a label', async () => {
      const text = (await page.textContent('#anatomy-readout')) ?? '';
      return text !== '' ? text : null;
    });
    await sleep(300);
    writeFileSync(join(RESULTS_DIR, 'library-brain-label.png'), await canvas.screenshot());
    log(`library: labelled at ${since()}`);
    await page.screenshot({ path: join(RESULTS_DIR, 'library-page.png') });
    log(`library: clicked (${target.cx.toFixed(0)}, ${target.cy.toFixed(0)}): labelled ${JSON.stringify(label)}`);
    if (!names.has(label)) throw new Error(`the label ${JSON.stringify(label)} is not an AAL structure name`);

    log('library: a study that does not exist gets the server\'s answer, not a blank viewer');
    await page.evaluate(() => {
      location.hash = '#/anatomy?study=stu_does_not_exist';
    });
    const refusal = await pollUntil(10_000, 'an error for the unknown study', async () => (await page.textContent('#library-error').catch(() => '')) || null);
    log(`library: unknown study: ${JSON.stringify(refusal)}`);
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(RESULTS_DIR, 'library-failure.png') }).catch(() => {});
    throw error;
  }
}
