import { ApiError, currentUser, type User } from './api';
import { renderLoginPage, renderPasswordChange } from './pages/login-page';
import type { Navigation, Page } from './pages/page';
import { renderSessionsPage } from './pages/sessions-page';
import { renderSessionView } from './xr/session-view';

// Hash routes: #/login, #/sessions, #/sessions/{id}, #/anatomy[?study=ID | ?model=URL&volume=URL | ?phantom].
const app = requireElement('app');
const whoami = requireElement('whoami');
let user: User | null = null;
let page: Page | null = null;
// Counts routes, so a page still loading its code (anatomy) knows it was left.
let routeCount = 0;

const nav: Navigation = {
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  loggedOut() {
    setUser(null);
    nav.go('#/login');
  },
};

function route(): void {
  page?.dispose();
  page = null;
  const thisRoute = ++routeCount;
  const hash = location.hash === '' ? '#/sessions' : location.hash;
  if (user === null) {
    if (hash !== '#/login') return void location.replace('#/login');
    page = renderLoginPage(app, (loggedIn) => {
      setUser(loggedIn);
      nav.go('#/sessions');
    });
    return;
  }
  if (user.must_change_password) {
    page = renderPasswordChange(app, '', (changed) => {
      setUser(changed);
      nav.go('#/sessions');
    });
    return;
  }
  const session = /^#\/sessions\/([^/]+)$/.exec(hash);
  const anatomy = /^#\/anatomy(?:\?(.*))?$/.exec(hash);
  if (anatomy !== null) {
    // The anatomy library and viewer (glTF loader, ray marcher) load only when opened.
    app.textContent = 'loading the anatomy viewer…';
    import('./anatomy/library-page')
      .then((library) => {
        if (thisRoute === routeCount) page = library.renderAnatomyRoute(app, anatomy[1] ?? '', nav);
      })
      .catch((failure: unknown) => {
        app.textContent = `the anatomy viewer did not load: ${failure instanceof Error ? failure.message : String(failure)}`;
      });
  } else if (session?.[1] !== undefined) {
    page = renderSessionView(app, decodeURIComponent(session[1]), nav, user);
  } else if (hash === '#/sessions') {
    page = renderSessionsPage(app, user, nav);
  } else {
    location.replace('#/sessions');
  }
}

function setUser(next: User | null): void {
  user = next;
  whoami.textContent = next === null ? '' : (next.display_name ?? next.username);
}

function requireElement(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`index.html has no #${id}`);
  return element;
}

async function start(): Promise<void> {
  try {
    setUser(await currentUser());
  } catch (failure) {
    const message = failure instanceof ApiError ? failure.message : String(failure);
    app.textContent = `MedVision cannot start: ${message}`;
    return;
  }
  window.addEventListener('hashchange', route);
  route();
}

void start();
