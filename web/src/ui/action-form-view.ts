import { el } from '../pages/element';
import { choicesFor, followValues, type ActionContext, type ActionSpec, type ParamSpec } from './action-form';

// One action's form, built from its spec: a submit button named after the
// action and a field per parameter (select, number, text with suggestions).
// `values` keeps what was typed per action across rebuilds; ids and test ids
// are `em-<action>-<param>` and `action-<action>[-<param>]`.

export function actionFormElement(
  spec: ActionSpec,
  ctx: ActionContext,
  values: Map<string, Record<string, string>>,
  submit: () => void,
): { form: HTMLFormElement; button: HTMLButtonElement } {
  const button = el('button', { type: 'submit', 'data-testid': `action-${spec.name}`, class: 'em-action-button' }, spec.label);
  // Our own checks say what is wrong (in the panel's reply line), not the browser's tooltip.
  const form = el('form', { class: 'em-action', 'data-action': spec.name, novalidate: '' }, button);
  form.append(...spec.params.map((param) => paramField(form, spec, param, ctx, values)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  return { form, button };
}

function paramField(
  form: HTMLFormElement,
  spec: ActionSpec,
  param: ParamSpec,
  ctx: ActionContext,
  values: Map<string, Record<string, string>>,
): HTMLElement {
  const current = values.get(spec.name) ?? {};
  const id = `em-${spec.name}-${param.name}`;
  const testid = `action-${spec.name}-${param.name}`;
  const update = (value: string): void => {
    const v = values.get(spec.name) ?? {};
    v[param.name] = value;
    const follow = followValues(spec, param.name, v);
    for (const [name, next] of Object.entries(follow)) {
      v[name] = next;
      const input = form.querySelector<HTMLInputElement>(`#em-${spec.name}-${name}`);
      if (input !== null) input.value = next;
    }
    values.set(spec.name, v);
  };
  let input: HTMLInputElement | HTMLSelectElement;
  let datalist: HTMLDataListElement | null = null;
  switch (param.kind) {
    case 'choice': {
      const options = choicesFor(param, ctx);
      if (options === null) {
        input = el('input', { id, 'data-testid': testid, placeholder: param.label, autocomplete: 'off' });
      } else {
        input = el('select', { id, 'data-testid': testid }, ...options.map((o) => el('option', { value: o.value }, o.label)));
      }
      break;
    }
    case 'boolean':
      input = el(
        'select',
        { id, 'data-testid': testid },
        el('option', { value: 'true' }, param.trueLabel),
        el('option', { value: 'false' }, param.falseLabel),
      );
      break;
    case 'number':
      input = el('input', {
        id,
        'data-testid': testid,
        type: 'number',
        inputmode: 'decimal',
        min: String(param.min),
        max: String(param.max),
        step: String(param.step),
        class: 'em-number',
      });
      break;
    case 'text': {
      const listId = `${id}-list`;
      input = el('input', { id, 'data-testid': testid, placeholder: param.label, maxlength: String(param.maxLength), autocomplete: 'off', list: listId });
      datalist = el('datalist', { id: listId }, ...(param.suggestions ?? []).map((s) => el('option', { value: s })));
      break;
    }
    case 'json':
      input = el('input', { id, 'data-testid': testid, placeholder: '{"key": "value"}', autocomplete: 'off' });
      break;
  }
  input.value = current[param.name] ?? '';
  if (input instanceof HTMLSelectElement && (input.selectedIndex < 0 || input.value !== (current[param.name] ?? ''))) {
    // The stored value is not among the choices (they arrived or changed): take the first.
    if (input.selectedIndex < 0 && input.options.length > 0) input.selectedIndex = 0;
    update(input.value);
  }
  input.addEventListener(input instanceof HTMLSelectElement ? 'change' : 'input', () => update(input.value));
  const unit = param.kind === 'number' && param.unit !== undefined ? el('span', { class: 'em-unit' }, param.unit) : null;
  return el('label', { class: 'em-param', for: id }, el('span', { class: 'em-param-label' }, param.label), input, unit, datalist);
}
