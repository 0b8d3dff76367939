// A module with no client code of its own (the example module, registered by
// one line on the server) is offered on the sessions page and runs in the
// browser through the generic panel, whose form is built from the specs the
// server serves.

import { sessionEvents } from '../harness/api.mjs';
import { loggedInPage, newSessionOnPage, screenshotPage } from '../harness/browser.mjs';
import { log } from '../harness/log.mjs';
import { pollUntil } from '../harness/wait.mjs';

export const cases = [
  {
    name: 'example-module-with-a-generated-form',
    behaviour: 'the example module runs in the browser from its served action spec',
    run: exampleModule,
  },
];

const text = async (page, testid) => ((await page.locator(`[data-testid="${testid}"]`).first().textContent()) ?? '').trim();

async function exampleModule({ server, context }) {
  const { page } = await loggedInPage(server, context);
  const row = await newSessionOnPage(page, { title: `e2e example ${Date.now()}`, kind: 'example/taps' });
  await row.locator('button.open').click();
  await pollUntil(15_000, 'the generic module panel', async () => (await page.locator('[data-testid="module-panel"]').count()) === 1);

  // The form is the served spec: strength, a number from 1 to 10 starting at 5.
  const strength = page.locator('[data-testid="action-tap-strength"]');
  const attrs = await strength.evaluate((input) => ({ type: input.type, min: input.min, max: input.max, value: input.value }));
  if (JSON.stringify(attrs) !== JSON.stringify({ type: 'number', min: '1', max: '10', value: '5' })) {
    throw new Error(`the strength field is not the served spec: ${JSON.stringify(attrs)}`);
  }
  await pollUntil(15_000, 'the prompt', async () => /three times/i.test(await text(page, 'module-prompt')));

  // Out of range: refused in the browser, nothing sent.
  await strength.fill('11');
  await page.click('[data-testid="action-tap"]');
  await pollUntil(5_000, 'the range refusal', async () => /between 1 and 10/.test(await text(page, 'action-reply')));

  for (const value of ['4', '5', '9']) {
    await strength.fill(value);
    await page.click('[data-testid="action-tap"]');
    await pollUntil(10_000, `tap ${value} accepted`, async () => /accepted/.test(await text(page, 'action-reply')));
  }
  await pollUntil(15_000, 'the scenario ended', async () => /completed/.test(await text(page, 'module-ended'))).catch(async (e) => { throw new Error(e.message + ' feed: ' + (await text(page, 'module-feed')).slice(0, 600) + ' ended: ' + (await text(page, 'module-ended'))); });
  const sessionId = (await page.evaluate(() => location.hash)).split('/').at(-1);
  const taps = (await sessionEvents(page, server, sessionId)).filter((e) => e.type === 'tapped').map((e) => e.payload.strength);
  if (JSON.stringify(taps) !== JSON.stringify([4, 5, 9])) throw new Error(`the server logged taps ${JSON.stringify(taps)}`);
  await screenshotPage(page, 'modules-example');
  log('three taps from the generated form, logged as 4, 5, 9; the scenario completed');
}
