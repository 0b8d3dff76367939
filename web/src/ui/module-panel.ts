import { el } from '../pages/element';
import type { ModulePanel, ModulePanelOptions } from '../modules/module-ui';
import type { SessionEvent } from '../protocol';
import { actionFromServed, buildAction, initialValues, offeredActions, unknownAction, type ActionContext, type ActionSpec } from './action-form';
import { actionFormElement } from './action-form-view';

// The panel of a module that has no view of its own: the scenario's title and
// prompts, the module's actions as forms built from its served specs, the
// instructor's cues, and a feed of what happened. Enough to run any module
// from a desktop or phone the day it is registered.

const FEED_LENGTH = 30;

export function createModulePanel(options: ModulePanelOptions): ModulePanel {
  const { scenario, send } = options;
  let open = false;
  const sent = new Map<number, string>(); // client seq -> action label

  const title = el('h2', { class: 'em-title', 'data-testid': 'scenario-title' }, scenario?.title ?? options.session.kind);
  const prompt = el('p', { class: 'mp-prompt', 'data-testid': 'module-prompt', role: 'status' });
  const reply = el('p', { class: 'em-reply', 'data-testid': 'action-reply', role: 'status' });
  const feed = el('ol', { class: 'mp-feed', 'data-testid': 'module-feed' });
  const ended = el('p', { class: 'mp-ended', 'data-testid': 'module-ended', hidden: '' });

  const setReply = (text: string, state: 'ok' | 'error' | 'pending'): void => {
    reply.textContent = text;
    reply.dataset['state'] = state;
  };

  const specs: ActionSpec[] = (() => {
    const served = (scenario?.actionSpecs ?? []).map(actionFromServed);
    const named = new Set(served.map((a) => a.name));
    return [...served, ...(scenario?.actions ?? []).filter((n) => !named.has(n)).map(unknownAction)];
  })();
  const context: ActionContext = { roles: scenario?.roles.map((r) => r.name) ?? [], casualties: null };
  const values = new Map<string, Record<string, string>>();
  const buttons: HTMLButtonElement[] = [];
  const forms = offeredActions(specs, null).map((spec) => {
    values.set(spec.name, initialValues(spec, context));
    const { form, button } = actionFormElement(spec, context, values, () => {
      const built = buildAction(spec, values.get(spec.name) ?? {}, context);
      if (!built.ok) {
        setReply(built.error, 'error');
        return;
      }
      const seq = send.action(built.request);
      if (seq === null) {
        setReply(`${spec.label}: not connected`, 'error');
        return;
      }
      sent.set(seq, spec.label);
      setReply(`${spec.label}: sent…`, 'pending');
    });
    buttons.push(button);
    return form;
  });

  const cues = scenario?.cues ?? [];
  const cueSelect = el('select', { 'data-testid': 'cue-select' }, ...cues.map((c) => el('option', { value: c.name }, c.name.replace(/_/g, ' '))));
  const cueButton = el('button', { type: 'submit', 'data-testid': 'control-cue' }, 'Cue');
  const cueForm = el('form', { class: 'em-control-row', novalidate: '' }, cueSelect, cueButton);
  cueForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (cueSelect.value !== '') send.control({ control: 'cue', text: cueSelect.value });
  });
  const controls = options.canInstruct && cues.length > 0 ? el('section', { class: 'em-section' }, el('h3', {}, 'Instructor'), cueForm) : null;

  const syncEnabled = (): void => {
    for (const b of [...buttons, cueButton]) b.disabled = !open || !ended.hidden;
  };
  syncEnabled();

  const describe = (e: SessionEvent): string => {
    const details = Object.entries(e.payload)
      .filter(([k, v]) => k !== 'participant' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
      .map(([k, v]) => `${k.replace(/_/g, ' ')} ${String(v).replace(/_/g, ' ')}`)
      .join(', ');
    return `${e.type.replace(/_/g, ' ')}${details === '' ? '' : `: ${details}`}`;
  };

  const element = el(
    'aside',
    { class: 'side-panel module-panel', 'data-testid': 'module-panel', 'data-module': scenario?.module ?? '' },
    title,
    prompt,
    el('section', { class: 'em-section em-actions', 'data-testid': 'team-actions' }, el('h3', {}, 'Actions'), ...forms, reply),
    ...(controls === null ? [] : [controls]),
    ended,
    el('section', { class: 'em-section' }, el('h3', {}, 'What happened'), feed),
  );

  return {
    element,
    layout: 'side-panel',
    message(message) {
      if (message.type === 'reply') {
        const label = sent.get(message.ref);
        if (label === undefined) return;
        sent.delete(message.ref);
        setReply(message.ok ? `${label}: accepted` : `${label}: ${message.error ?? message.code ?? 'refused'}`, message.ok ? 'ok' : 'error');
        return;
      }
      for (const e of message.events) {
        if (e.type === 'input' || e.type === 'state_hash') continue;
        if (e.type === 'scenario_prompt' || e.type === 'prompt_shown') prompt.textContent = typeof e.payload['text'] === 'string' ? e.payload['text'] : '';
        if (e.type === 'scenario_ended' || (e.type === 'session_ended' && ended.hidden)) {
          ended.hidden = false;
          ended.textContent = `Ended${typeof e.payload['outcome'] === 'string' ? `: ${e.payload['outcome']}` : ''}`;
          syncEnabled();
        }
        if (e.type === 'assessment' && typeof e.payload['score'] === 'number') {
          ended.hidden = false;
          ended.textContent += `, score ${Math.round(e.payload['score'])} / 100`;
        }
        if (e.type === 'action_refused') setReply(`refused: ${typeof e.payload['reason'] === 'string' ? e.payload['reason'] : ''}`, 'error');
        feed.prepend(el('li', {}, describe(e)));
        while (feed.children.length > FEED_LENGTH) feed.lastElementChild?.remove();
      }
    },
    participant() {},
    connected(isOpen) {
      open = isOpen;
      syncEnabled();
    },
    closed() {
      open = false;
      syncEnabled();
    },
    dispose() {},
  };
}
