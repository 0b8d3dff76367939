import { ApiError, login, type User } from '../api';
import { el } from './element';
import { staticPage, type Page } from './page';

/** Username/password form; calls `onLoggedIn` once the server accepts them. */
export function renderLoginPage(root: HTMLElement, onLoggedIn: (user: User) => void): Page {
  const username = el('input', { name: 'username', autocomplete: 'username', required: '', id: 'login-username' });
  const password = el('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: '',
    id: 'login-password',
  });
  const submit = el('button', { type: 'submit' }, 'Log in');
  const error = el('p', { class: 'error', role: 'alert', id: 'login-error' });
  const form = el(
    'form',
    { class: 'card login', id: 'login-form' },
    el('h1', {}, 'Log in to MedVision'),
    el('label', { for: 'login-username' }, 'Username'),
    username,
    el('label', { for: 'login-password' }, 'Password'),
    password,
    submit,
    error,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    login(username.value, password.value)
      .then((result) => onLoggedIn(result.user))
      .catch((failure: unknown) => {
        error.textContent = failure instanceof ApiError ? failure.message : String(failure);
        password.select();
      })
      .finally(() => {
        submit.disabled = false;
      });
  });

  root.replaceChildren(form);
  username.focus();
  return staticPage;
}
