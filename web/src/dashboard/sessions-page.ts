import { ApiError, createSession, endSession, listSessions, logout, type Session, type User } from '../api';
import { el } from './element';
import type { Navigation, Page } from './page';

/** The session list: create, open and end sessions, and log out. */
export function renderSessionsPage(root: HTMLElement, user: User, nav: Navigation): Page {
  let disposed = false;
  const error = el('p', { class: 'error', role: 'alert', id: 'sessions-error' });
  const title = el('input', { name: 'title', id: 'session-title', placeholder: 'Session title', required: '' });
  title.value = 'Sandbox';
  const create = el('button', { type: 'submit', id: 'new-session' }, 'New session');
  const createForm = el('form', { class: 'inline', id: 'new-session-form' }, title, create);
  const rows = el('tbody', { id: 'session-rows' });
  const logoutButton = el('button', { type: 'button', class: 'secondary', id: 'logout' }, 'Log out');

  const fail = (failure: unknown): void => {
    if (failure instanceof ApiError && failure.status === 401) {
      nav.loggedOut();
      return;
    }
    error.textContent = failure instanceof ApiError ? failure.message : String(failure);
  };

  const refresh = async (): Promise<void> => {
    const sessions = await listSessions();
    if (disposed) return;
    rows.replaceChildren(...(sessions.length > 0 ? sessions.map((s) => sessionRow(s, nav, onEnd)) : [emptyRow()]));
  };

  const onEnd = (session: Session): void => {
    error.textContent = '';
    endSession(String(session.id)).then(refresh).catch(fail);
  };

  createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    create.disabled = true;
    createSession(title.value.trim())
      .then(refresh)
      .catch(fail)
      .finally(() => {
        create.disabled = false;
      });
  });

  logoutButton.addEventListener('click', () => {
    logout()
      .catch(() => undefined) // A token the server no longer knows is logged out anyway.
      .finally(() => nav.loggedOut());
  });

  root.replaceChildren(
    el(
      'section',
      { class: 'card sessions' },
      el(
        'div',
        { class: 'row' },
        el('h1', {}, 'Sessions'),
        el('span', { class: 'who' }, `${user.display_name ?? user.username} (${user.role})`),
        logoutButton,
      ),
      createForm,
      error,
      el(
        'table',
        { class: 'session-table' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Title'), el('th', {}, 'Status'), el('th', {}, 'Created'), el('th', {}, ''))),
        rows,
      ),
    ),
  );
  refresh().catch(fail);
  return {
    dispose() {
      disposed = true;
    },
  };
}

function sessionRow(session: Session, nav: Navigation, onEnd: (session: Session) => void): HTMLTableRowElement {
  const running = session.status === 'running';
  const open = el('button', { type: 'button', class: 'open' }, 'Open');
  open.disabled = !running;
  open.addEventListener('click', () => nav.go(`#/sessions/${encodeURIComponent(String(session.id))}`));
  const end = el('button', { type: 'button', class: 'end secondary' }, 'End');
  end.disabled = !running;
  end.addEventListener('click', () => onEnd(session));
  return el(
    'tr',
    { 'data-session-id': String(session.id), 'data-status': session.status },
    el('td', { class: 'title' }, session.title),
    el('td', { class: `status status-${session.status}` }, session.status.replace('_', ' ')),
    el('td', { class: 'created' }, formatTime(session.created_at)),
    el('td', { class: 'actions' }, open, end),
  );
}

function emptyRow(): HTMLTableRowElement {
  return el('tr', {}, el('td', { colspan: '4', class: 'empty' }, 'No sessions yet.'));
}

function formatTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toLocaleString();
}
