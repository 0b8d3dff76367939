// Who sees a session: its members only, and an invite code made on the
// sessions page makes a trainee one.

import { createUser } from '../harness/api.mjs';
import { loggedInPage, newSessionOnPage } from '../harness/browser.mjs';
import { log } from '../harness/log.mjs';
import { pollUntil } from '../harness/wait.mjs';

export const cases = [
  {
    name: 'join-with-an-invite-code',
    behaviour: 'a trainee joins a session with an invite code made on the page',
    run: joinWithAnInviteCode,
  },
];

/**
 * The admin makes an invite code on the sessions page; a trainee (who cannot
 * see the session before) joins with it through the page and opens the
 * session. The trainee has a context (cookies) of their own.
 */
async function joinWithAnInviteCode({ server, context, newContext }) {
  const { page } = await loggedInPage(server, context);
  const trainee = await newContext();
  const username = `e2e-trainee-${Date.now()}`;
  await createUser(page, server, { username, password: 'correct horse', role: 'trainee' });
  const title = `e2e invite ${Date.now()}`;
  const row = await newSessionOnPage(page, { title });
  await row.locator('button.invite').click();
  let code = '';
  await pollUntil(10_000, 'an invite code on the page', async () => {
    const notice = (await page.locator('#sessions-notice').textContent()) ?? '';
    code = /: ([A-Za-z0-9_-]{16,}) \(/.exec(notice)?.[1] ?? '';
    return code !== '';
  });
  log('invite code made on the page');

  const other = await trainee.newPage();
  other.setDefaultTimeout(15_000);
  await other.goto(`${server.base}/`, { waitUntil: 'load' });
  await other.fill('#login-username', username);
  await other.fill('#login-password', 'correct horse');
  await other.click('#login-form button[type=submit]');
  await pollUntil(10_000, 'the trainee\'s session list', async () => (await other.locator('#session-rows').count()) === 1);
  if ((await other.locator('#session-rows tr', { hasText: title }).count()) !== 0) {
    throw new Error('a trainee who is not a member sees the session');
  }
  await other.fill('#invite-code', code);
  await other.click('#join-with-code');
  const theirs = other.locator('#session-rows tr', { hasText: title });
  await pollUntil(10_000, 'the session in the trainee\'s list', async () => (await theirs.count()) === 1);
  await theirs.locator('button.open').click();
  await pollUntil(15_000, 'the trainee in the session', async () =>
    /#\/sessions\/ses_/.test(await other.evaluate(() => location.hash)));
  log('the trainee joined with the code and opened the session');
}
