import { ApiError, changePassword, login, type User } from '../api';
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
      .then((result) => {
        if (result.user.must_change_password) {
          renderPasswordChange(root, password.value, onLoggedIn);
        } else {
          onLoggedIn(result.user);
        }
      })
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

/**
 * A password the server generated must be replaced before anything else:
 * the new one twice, sent with the current one.
 */
export function renderPasswordChange(
  root: HTMLElement,
  currentPassword: string,
  onChanged: (user: User) => void,
): Page {
  const current = el('input', {
    name: 'current-password',
    type: 'password',
    autocomplete: 'current-password',
    required: '',
    id: 'change-current',
  });
  current.value = currentPassword;
  const next = el('input', {
    name: 'new-password',
    type: 'password',
    autocomplete: 'new-password',
    required: '',
    minlength: '8',
    id: 'change-new',
  });
  const again = el('input', {
    name: 'repeat-password',
    type: 'password',
    autocomplete: 'new-password',
    required: '',
    minlength: '8',
    id: 'change-again',
  });
  const submit = el('button', { type: 'submit' }, 'Change password');
  const error = el('p', { class: 'error', role: 'alert', id: 'change-error' });
  const form = el(
    'form',
    { class: 'card login', id: 'password-form' },
    el('h1', {}, 'Choose your password'),
    el('p', {}, 'The password you logged in with was made for you once. Choose your own (8 characters or more) to go on.'),
    el('label', { for: 'change-current' }, 'Current password'),
    current,
    el('label', { for: 'change-new' }, 'New password'),
    next,
    el('label', { for: 'change-again' }, 'New password again'),
    again,
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    if (next.value !== again.value) {
      error.textContent = 'The two new passwords differ.';
      again.select();
      return;
    }
    submit.disabled = true;
    changePassword(current.value, next.value)
      .then((result) => onChanged(result.user))
      .catch((failure: unknown) => {
        error.textContent = failure instanceof ApiError ? failure.message : String(failure);
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  root.replaceChildren(form);
  next.focus();
  return staticPage;
}
