/** One line of the run's output, prefixed `e2e:` like every line the runner prints. */
export const log = (...parts) => console.log('e2e:', ...parts);
