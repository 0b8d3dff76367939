// Waiting with a deadline: every wait names what it waits for, so a timeout
// says what never happened.

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Resolves with fn's value, or rejects after ms with a message naming what timed out. */
export async function within(ms, what, fn) {
  let timer;
  const timeout = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([fn(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls `check` every intervalMs until it returns something truthy (its value), for at most ms. */
export async function pollUntil(ms, what, check, intervalMs = 100) {
  return within(ms, what, async () => {
    for (;;) {
      const value = await check();
      if (value) return value;
      await sleep(intervalMs);
    }
  });
}
