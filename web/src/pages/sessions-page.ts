import {
  acceptInvite,
  ApiError,
  createInvite,
  createSession,
  endSession,
  listModules,
  listScenarios,
  listSessions,
  logout,
  reportHtmlUrl,
  type Scenario,
  type ServedModule,
  type Session,
  type User,
} from '../api';
import { findScenario, newSessionFields, splitKind } from '../modules/kind';
import { el } from './element';
import type { Navigation, Page } from './page';
import { scenarioChoices } from './scenario-choices';

/** The session list: create (an open room or a scenario), open and end sessions, and log out. */
export function renderSessionsPage(root: HTMLElement, user: User, nav: Navigation): Page {
  let disposed = false;
  let scenarios: Scenario[] = [];
  // The served modules, whose open rooms the picker offers; null until they
  // come (or when the server does not serve them): the sandbox, as before.
  let modules: ServedModule[] | null = null;
  const error = el('p', { class: 'error', role: 'alert', id: 'sessions-error' });
  const title = el('input', { name: 'title', id: 'session-title', placeholder: 'Session title', required: '' });
  const picker = el('select', { name: 'scenario', id: 'session-scenario', 'data-testid': 'scenario-picker', 'aria-label': 'Scenario' });
  const description = el('p', { class: 'scenario-description', 'data-testid': 'scenario-description' });
  const create = el('button', { type: 'submit', id: 'new-session' }, 'New session');
  const createForm = el('form', { class: 'inline new-session', id: 'new-session-form' }, picker, title, create);
  const rows = el('tbody', { id: 'session-rows' });
  // Sessions are seen by their members: others join with a code a member
  // with the right to invite (the creator, the session's instructors) made.
  const code = el('input', {
    name: 'invite-code',
    id: 'invite-code',
    placeholder: 'Invite code',
    autocomplete: 'off',
    'aria-label': 'Invite code',
    required: '',
  });
  const joinButton = el('button', { type: 'submit', id: 'join-with-code', class: 'secondary' }, 'Join with code');
  const joinForm = el('form', { class: 'inline join-code', id: 'join-code-form' }, code, joinButton);
  const notice = el('p', { class: 'notice', role: 'status', id: 'sessions-notice' });
  const logoutButton = el('button', { type: 'button', class: 'secondary', id: 'logout' }, 'Log out');
  // The title follows the picker until someone types one.
  let autoTitle = '';

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
    rows.replaceChildren(
      ...(sessions.length > 0 ? sessions.map((s) => sessionRow(s, scenarios, nav, onEnd, onInvite)) : [emptyRow()]),
    );
  };

  const onEnd = (session: Session): void => {
    error.textContent = '';
    endSession(String(session.id)).then(refresh).catch(fail);
  };

  const onInvite = (session: Session): void => {
    error.textContent = '';
    notice.textContent = '';
    createInvite(String(session.id))
      .then((invite) => {
        const until = formatTime(invite.expires_at);
        notice.textContent = `Invite code for “${session.title}”: ${invite.code} (up to ${invite.max_uses} people, until ${until}). It is shown only now: pass it on.`;
      })
      .catch(fail);
  };

  joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    notice.textContent = '';
    joinButton.disabled = true;
    acceptInvite(code.value)
      .then((session) => {
        code.value = '';
        notice.textContent = `You are now a member of “${session.title}”.`;
        return refresh();
      })
      .catch(fail)
      .finally(() => {
        joinButton.disabled = false;
      });
  });

  const fillPicker = (): void => {
    const choices = scenarioChoices(scenarios, modules);
    const groups = new Map<string, HTMLOptGroupElement>();
    const options: (HTMLOptionElement | HTMLOptGroupElement)[] = [];
    for (const choice of choices) {
      const option = el('option', { value: choice.value, title: choice.description }, choice.label);
      if (choice.group === null) {
        options.push(option);
        continue;
      }
      let group = groups.get(choice.group);
      if (group === undefined) {
        group = el('optgroup', { label: choice.group });
        groups.set(choice.group, group);
        options.push(group);
      }
      group.append(option);
    }
    const selected = picker.value;
    picker.replaceChildren(...options);
    if (choices.some((c) => c.value === selected)) picker.value = selected;
    showChoice();
  };

  const showChoice = (): void => {
    const choice = scenarioChoices(scenarios, modules).find((c) => c.value === picker.value);
    description.textContent = choice?.description ?? '';
    if (choice !== undefined && title.value === autoTitle) {
      title.value = choice.title;
      autoTitle = choice.title;
    }
  };

  picker.addEventListener('change', showChoice);

  createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    create.disabled = true;
    createSession({ title: title.value.trim(), ...newSessionFields(picker.value) })
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
      description,
      joinForm,
      notice,
      error,
      el(
        'div',
        { class: 'table-scroll' },
        el(
          'table',
          { class: 'session-table' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', {}, 'Title'),
              el('th', {}, 'Kind'),
              el('th', {}, 'Status'),
              el('th', {}, 'Created'),
              el('th', {}, ''),
            ),
          ),
          rows,
        ),
      ),
    ),
  );
  fillPicker();
  refresh().catch(fail);
  // Servers without the modules route answer 404: the picker keeps the sandbox.
  listModules()
    .then((list) => {
      if (disposed) return;
      modules = list;
      fillPicker();
    })
    .catch((failure: unknown) => {
      if (failure instanceof ApiError && failure.status === 401) nav.loggedOut();
    });
  // Servers without scenarios answer 404: the picker then offers the open rooms only.
  listScenarios()
    .then((list) => {
      if (disposed) return;
      scenarios = list;
      fillPicker();
      return refresh();
    })
    .catch((failure: unknown) => {
      if (failure instanceof ApiError && failure.status === 401) nav.loggedOut();
    });
  return {
    dispose() {
      disposed = true;
    },
  };
}

function sessionRow(
  session: Session,
  scenarios: readonly Scenario[],
  nav: Navigation,
  onEnd: (session: Session) => void,
  onInvite: (session: Session) => void,
): HTMLTableRowElement {
  const running = session.status === 'running';
  const id = String(session.id);
  const open = el('button', { type: 'button', class: 'open' }, 'Open');
  open.disabled = !running;
  open.addEventListener('click', () => nav.go(`#/sessions/${encodeURIComponent(id)}`));
  const end = el('button', { type: 'button', class: 'end secondary' }, 'End');
  end.disabled = !running;
  end.addEventListener('click', () => onEnd(session));
  const invite = el('button', { type: 'button', class: 'invite secondary', title: 'Make a code others join this session with' }, 'Invite');
  invite.disabled = !running;
  invite.addEventListener('click', () => onInvite(session));
  const kind = session.kind ?? 'sandbox';
  const scenario = findScenario(scenarios, kind);
  const { variant } = splitKind(kind);
  const report =
    // Every scenario session, whatever its module, is scored when it ends.
    session.status === 'ended' && scenario !== null
      ? el('a', { href: reportHtmlUrl(id), target: '_blank', rel: 'noopener', class: 'report', 'data-testid': 'report-link' }, 'Debrief report')
      : null;
  return el(
    'tr',
    { 'data-session-id': id, 'data-status': session.status, 'data-kind': kind },
    el('td', { class: 'title' }, session.title),
    el(
      'td',
      { class: 'kind', 'data-testid': 'session-kind', title: scenario === null ? kind : `${scenario.title}${variant === null ? '' : ` (${variant})`}` },
      el('code', {}, kind),
    ),
    el('td', { class: `status status-${session.status}` }, session.status.replace('_', ' ')),
    el('td', { class: 'created' }, formatTime(session.created_at)),
    el('td', { class: 'actions' }, report, open, invite, end),
  );
}

function emptyRow(): HTMLTableRowElement {
  return el('tr', {}, el('td', { colspan: '5', class: 'empty' }, 'No sessions yet.'));
}

function formatTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toLocaleString();
}
