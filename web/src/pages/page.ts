/** What the router needs from a rendered page: a way to tear it down. */
export interface Page {
  dispose(): void;
}

/** Shared by pages: where to go, and what to do when the login expires. */
export interface Navigation {
  go(hash: string): void;
  loggedOut(): void;
}

export const staticPage: Page = { dispose() {} };
