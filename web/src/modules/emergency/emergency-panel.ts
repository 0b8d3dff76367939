import { listSessionEvents, reportHtmlUrl } from '../../api/sessions';
import type { Scenario } from '../../api/types';
import { el } from '../../pages/element';
import type { ControlRequest } from '../../protocol';
import type { ModulePanel, PanelSender } from '../module-ui';
import { actionFormElement } from '../../ui/action-form-view';
import {
  actionFromServed,
  buildAction,
  initialValues,
  offeredActions,
  unknownAction,
  type ActionContext,
  type ActionSpec,
} from '../../ui/action-form';
import { describeAction, GROUP_LABELS } from './actions';
import { EcgSweep } from './ecg';
import { splitKind } from '../kind';
import { monitorReadout, type Alarm } from './monitor';
import {
  EmergencySession,
  findingsText,
  formatTime,
  type Casualty,
  type FeedEntry,
  type PromptEntry,
} from './session-model';

// The emergency panel beside the 3D view: patient monitor, prompts, team
// actions, instructor controls and the event feed. State lives in
// EmergencySession; this file only draws it and turns clicks into requests.

export type { PanelSender };

export interface EmergencyPanelOptions {
  sessionId: string;
  kind: string;
  scenario: Scenario | null;
  /** The logged-in user is an instructor or admin: show the controls. */
  canInstruct: boolean;
  send: PanelSender;
}

export interface EmergencyPanel extends ModulePanel {
  readonly model: EmergencySession;
}

const ECG_FRAME_MS = 33;

export function createEmergencyPanel(options: EmergencyPanelOptions): EmergencyPanel {
  const { scenario, send } = options;
  const model = new EmergencySession();
  const kindParts = splitKind(options.kind);
  model.scenarioTitle = scenario?.title ?? null;
  model.variant = kindParts.variant;
  let open = false;
  let disposed = false;

  // ------------------------------------------------------------ header
  const title = el('h2', { class: 'em-title', 'data-testid': 'scenario-title' }, scenario?.title ?? options.kind);
  const variantText = el('span', { class: 'em-variant', 'data-testid': 'scenario-variant' });
  const stateText = el('span', { class: 'em-state', 'data-testid': 'scenario-state' }, 'waiting for the scenario…');
  const pausedBadge = el('span', { class: 'em-badge em-paused', 'data-testid': 'scenario-paused', hidden: '' }, 'paused');
  const header = el('header', { class: 'em-header' }, title, el('div', { class: 'em-sub' }, variantText, stateText, pausedBadge));

  // ------------------------------------------------------------ outcome
  const outcome = el('section', { class: 'em-outcome', 'data-testid': 'session-outcome', hidden: '' });

  // ------------------------------------------------------------ monitor
  const vital = (testid: string): HTMLSpanElement => el('span', { class: 'em-value', 'data-testid': testid }, '—');
  const hr = vital('vital-hr');
  const bp = vital('vital-bp');
  const map = el('span', { class: 'em-map', 'data-testid': 'vital-map' }, '(—)');
  const spo2 = vital('vital-spo2');
  const etco2 = vital('vital-etco2');
  const rr = vital('vital-rr');
  const rhythm = el('span', { class: 'em-rhythm-name', 'data-testid': 'rhythm' }, '—');
  const cpr = el('span', { class: 'em-cpr', 'data-testid': 'cpr-status' }, 'no CPR');
  const tile = (cls: string, label: string, value: HTMLElement, unit: string, extra?: HTMLElement): HTMLDivElement =>
    el('div', { class: `em-tile ${cls}`, 'data-alarm': 'none' }, el('span', { class: 'em-label' }, label), value, extra, el('span', { class: 'em-unit' }, unit));
  const hrTile = tile('em-hr', 'HR', hr, '/min');
  const bpTile = tile('em-bp', 'NIBP', bp, 'mmHg', map);
  const spo2Tile = tile('em-spo2', 'SpO₂', spo2, '%');
  const etco2Tile = tile('em-etco2', 'EtCO₂', etco2, 'mmHg');
  const rrTile = tile('em-rr', 'RR', rr, '/min');
  const ecg = el('canvas', { class: 'em-ecg', 'data-testid': 'ecg', height: '64' });
  const codeTimers = el('span', { class: 'em-code', 'data-testid': 'code-timers' }, '');
  const rhythmRow = el('div', { class: 'em-rhythm', 'data-alarm': 'none' }, rhythm, cpr, codeTimers);
  const monitor = el(
    'section',
    { class: 'em-monitor', 'data-testid': 'monitor', 'aria-label': 'Patient monitor' },
    ecg,
    rhythmRow,
    el('div', { class: 'em-tiles' }, hrTile, bpTile, spo2Tile, etco2Tile, rrTile),
  );

  // ------------------------------------------------------------ casualties (triage)
  const casualtyList = el('ul', { class: 'em-casualties', 'data-testid': 'casualties' });
  const casualties = el('section', { class: 'em-section', hidden: '' }, el('h3', {}, 'Casualties'), casualtyList);

  // ------------------------------------------------------------ prompts
  const promptList = el('ol', { class: 'em-prompts', 'data-testid': 'prompts', 'aria-live': 'polite' });
  const prompts = el('section', { class: 'em-section' }, el('h3', {}, 'Prompts'), promptList);

  // ------------------------------------------------------------ actions
  const actionReply = el('p', { class: 'em-reply', 'data-testid': 'action-reply', role: 'status' });
  const actionForms = el('div', { class: 'em-action-groups' });
  const myRoles = el('p', { class: 'em-my-roles', 'data-testid': 'my-roles' });
  const actions = el('section', { class: 'em-section em-actions', 'data-testid': 'team-actions' }, el('h3', {}, 'Team actions'), myRoles, actionForms, actionReply);
  const values = new Map<string, Record<string, string>>();
  // The module's actions as it serves them; a name without a spec gets a free JSON field.
  const served: ActionSpec[] = (() => {
    const specs = (scenario?.actionSpecs ?? []).map(actionFromServed);
    const named = new Set(specs.map((a) => a.name));
    return [...specs, ...(scenario?.actions ?? []).filter((n) => !named.has(n)).map(unknownAction)];
  })();
  const buttons: HTMLButtonElement[] = [];
  let formsKey = '';

  const context = (): ActionContext => ({
    roles: scenario?.roles.map((r) => r.name) ?? [],
    casualties: model.casualties?.map((c) => c.id) ?? null,
  });

  const setReply = (target: HTMLElement, text: string, state: 'ok' | 'error' | 'pending'): void => {
    target.textContent = text;
    target.dataset['state'] = state;
  };

  const sendAction = (spec: ActionSpec): void => {
    const built = buildAction(spec, values.get(spec.name) ?? {}, context());
    if (!built.ok) {
      setReply(actionReply, built.error, 'error');
      return;
    }
    let seq: number | null;
    try {
      seq = send.action(built.request);
    } catch (failure) {
      setReply(actionReply, `${spec.label}: cannot send (${failure instanceof Error ? failure.message : String(failure)})`, 'error');
      return;
    }
    if (seq === null) {
      setReply(actionReply, `${spec.label}: not connected`, 'error');
      return;
    }
    model.requestSent(seq, { action: built.request });
    setReply(actionReply, `${describeAction(built.request.name, built.request.params)}: sent…`, 'pending');
  };

  const buildForms = (): void => {
    const ctx = context();
    const offered = offeredActions(served, model.patientKind);
    const key = `${model.patientKind ?? '?'}|${model.choicesVersion}|${offered.map((s) => s.name).join(',')}`;
    if (key === formsKey) return;
    formsKey = key;
    buttons.length = 0;
    const groups = new Map<string, HTMLElement[]>();
    for (const spec of offered) {
      if (!values.has(spec.name)) values.set(spec.name, initialValues(spec, ctx));
      const { form, button } = actionFormElement(spec, ctx, values, () => sendAction(spec));
      button.disabled = !open || model.end?.reason != null;
      buttons.push(button);
      const list = groups.get(spec.group) ?? [];
      list.push(form);
      groups.set(spec.group, list);
    }
    actionForms.replaceChildren(
      ...[...groups].map(([group, forms]) =>
        el('fieldset', { class: 'em-group', 'data-group': group }, el('legend', {}, GROUP_LABELS[group] ?? group.replace(/_/g, ' ')), ...forms),
      ),
    );
  };

  // compressions: offer "stop" while they run and "start" when they do not.
  let cprShown: boolean | null = null;
  const syncCompressions = (): void => {
    const running = model.monitor.cpr !== null;
    if (cprShown === running) return;
    cprShown = running;
    const v = values.get('compressions');
    if (v === undefined) return;
    v['on'] = String(!running);
    const select = actionForms.querySelector<HTMLSelectElement>('#em-compressions-on');
    if (select !== null) select.value = v['on'];
  };

  // ------------------------------------------------------------ instructor controls
  const controlReply = el('p', { class: 'em-reply', 'data-testid': 'control-reply', role: 'status' });
  const pause = el('button', { type: 'button', 'data-testid': 'control-pause', class: 'secondary' }, 'Pause');
  const resume = el('button', { type: 'button', 'data-testid': 'control-resume', class: 'secondary' }, 'Resume');
  const cueSelect = el(
    'select',
    { 'data-testid': 'cue-select', id: 'em-cue-select' },
    ...(scenario?.cues ?? []).map((c) => el('option', { value: c.name, title: c.description ?? '' }, cueLabel(c.name, c.description))),
    el('option', { value: '' }, 'other (type it)'),
  );
  const cueText = el('input', { 'data-testid': 'cue-text', id: 'em-cue-text', placeholder: 'or type a cue name', autocomplete: 'off', maxlength: '2000' });
  const cue = el('button', { type: 'submit', 'data-testid': 'control-cue' }, 'Cue');
  const cueForm = el('form', { class: 'em-control-row', novalidate: '' }, cueSelect, cueText, cue);
  const observationText = el('input', {
    'data-testid': 'observation-text',
    id: 'em-observation-text',
    placeholder: 'Observation for the debrief',
    autocomplete: 'off',
    maxlength: '2000',
  });
  const observe = el('button', { type: 'submit', 'data-testid': 'control-observation' }, 'Note');
  const observationForm = el('form', { class: 'em-control-row', novalidate: '' }, observationText, observe);
  const controlButtons = [pause, resume, cue, observe];
  const controls = el(
    'section',
    { class: 'em-section em-controls', 'data-testid': 'instructor-controls' },
    el('h3', {}, 'Instructor'),
    el('div', { class: 'em-control-row' }, pause, resume),
    cueForm,
    observationForm,
    controlReply,
  );
  if (!options.canInstruct) controls.hidden = true;

  const sendControl = (request: ControlRequest, label: string): boolean => {
    let seq: number | null;
    try {
      seq = send.control(request);
    } catch (failure) {
      setReply(controlReply, `${label}: cannot send (${failure instanceof Error ? failure.message : String(failure)})`, 'error');
      return false;
    }
    if (seq === null) {
      setReply(controlReply, `${label}: not connected`, 'error');
      return false;
    }
    model.requestSent(seq, { control: request });
    setReply(controlReply, `${label}: sent…`, 'pending');
    return true;
  };
  pause.addEventListener('click', () => sendControl({ control: 'pause' }, 'pause'));
  resume.addEventListener('click', () => sendControl({ control: 'resume' }, 'resume'));
  cueForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = cueText.value.trim() !== '' ? cueText.value.trim() : cueSelect.value;
    if (text === '') {
      setReply(controlReply, 'cue: choose a cue or type one', 'error');
      return;
    }
    if (sendControl({ control: 'cue', text }, `cue ${text}`)) cueText.value = '';
  });
  observationForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = observationText.value.trim();
    if (text === '') {
      setReply(controlReply, 'observation: write something first', 'error');
      return;
    }
    if (sendControl({ control: 'observation', text }, 'observation')) observationText.value = '';
  });

  // ------------------------------------------------------------ feed
  const feedList = el('ol', { class: 'em-feed', 'data-testid': 'event-feed' });
  const feed = el('section', { class: 'em-section' }, el('h3', {}, 'Events'), feedList);

  const element = el(
    'aside',
    { class: 'emergency-panel side-panel', 'data-testid': 'emergency-panel', 'aria-label': 'Emergency scenario' },
    header,
    outcome,
    monitor,
    casualties,
    prompts,
    actions,
    controls,
    feed,
  );

  // ------------------------------------------------------------ rendering
  let renderedVersion = -1;
  let renderedPrompt = -1;
  let renderedFeed: string | null = null;

  const setAlarm = (node: HTMLElement, alarm: Alarm): void => {
    node.dataset['alarm'] = alarm;
  };

  const render = (): void => {
    renderedVersion = model.version;
    if (model.scenarioTitle !== null) title.textContent = model.scenarioTitle;
    const variantTitle = model.variant === null ? '' : (scenario?.variants.find((v) => v.name === model.variant)?.title ?? model.variant);
    variantText.textContent = variantTitle;
    variantText.hidden = variantTitle === '';
    stateText.textContent = model.state === null ? (model.end === null ? 'waiting for the scenario…' : '') : `state: ${model.state.replace(/_/g, ' ')}`;
    pausedBadge.hidden = !model.paused;

    const r = monitorReadout(model.monitor);
    hr.textContent = r.hr;
    bp.textContent = r.bp;
    map.textContent = r.map;
    spo2.textContent = r.spo2;
    etco2.textContent = r.etco2;
    rr.textContent = r.rr;
    rhythm.textContent = r.rhythm;
    cpr.textContent = r.cpr;
    cpr.dataset['running'] = String(model.monitor.cpr !== null);
    codeTimers.textContent = r.code;
    codeTimers.hidden = r.code === '';
    setAlarm(hrTile, r.alarms.hr);
    setAlarm(bpTile, r.alarms.bp);
    setAlarm(spo2Tile, r.alarms.spo2);
    setAlarm(etco2Tile, r.alarms.etco2);
    setAlarm(rrTile, r.alarms.rr);
    setAlarm(rhythmRow, r.alarms.rhythm);
    monitor.hidden = model.patientKind === 'casualties';

    if (model.casualties !== null) {
      casualties.hidden = false;
      casualtyList.replaceChildren(...model.casualties.map(casualtyItem));
    }

    const newestPrompt = model.prompts[0]?.id ?? 0;
    if (newestPrompt !== renderedPrompt) {
      renderedPrompt = newestPrompt;
      promptList.replaceChildren(...(model.prompts.length > 0 ? model.prompts.map(promptItem) : [el('li', { class: 'em-empty' }, 'No prompts yet.')]));
    }

    // Entries change in place (an action later refused), so key on both.
    const feedKey = model.feed.map((f) => `${f.id}${f.refused ? 'r' : ''}`).join(',');
    if (feedKey !== renderedFeed) {
      renderedFeed = feedKey;
      feedList.replaceChildren(...(model.feed.length > 0 ? model.feed.map(feedItem) : [el('li', { class: 'em-empty' }, 'Nothing yet.')]));
    }

    const roles = model.myRoles();
    myRoles.textContent = roles.length === 0 ? 'You have no team role yet.' : `Your role: ${roles.map((x) => x.replace(/_/g, ' ')).join(', ')}`;

    buildForms();
    syncCompressions();
    renderOutcome();
    syncEnabled();
  };

  const renderOutcome = (): void => {
    const end = model.end;
    if (end === null) {
      outcome.hidden = true;
      return;
    }
    outcome.hidden = false;
    const sessionOver = end.reason !== null || model.closed !== null;
    const parts: (HTMLElement | string)[] = [];
    const headline = end.outcome === null ? 'Session ended' : `Scenario ${end.outcome}`;
    parts.push(el('strong', { 'data-testid': 'outcome', 'data-outcome': end.outcome ?? '' }, headline));
    if (end.score !== null) {
      const passed = end.passed === null ? '' : end.passed ? ' — passed' : ' — not passed';
      const bar = end.proficiency === null ? '' : ` (pass mark ${Math.round(end.proficiency)})`;
      parts.push(el('span', { 'data-testid': 'score' }, ` score ${Math.round(end.score)}${bar}${passed}`));
    }
    if (end.reason !== null) parts.push(el('div', { class: 'em-end-reason' }, `Session ended: ${end.reason}`));
    if (end.feedback.length > 0) parts.push(el('ul', { class: 'em-feedback' }, ...end.feedback.map((f) => el('li', {}, f))));
    if (sessionOver) {
      parts.push(
        el(
          'a',
          { href: reportHtmlUrl(options.sessionId), target: '_blank', rel: 'noopener', 'data-testid': 'report-link', class: 'em-report' },
          'Debrief report',
        ),
      );
    }
    outcome.replaceChildren(...parts);
  };

  const syncEnabled = (): void => {
    const ended = model.end?.reason != null || model.closed !== null;
    const usable = open && !ended;
    for (const button of buttons) button.disabled = !usable;
    for (const button of controlButtons) button.disabled = !usable;
  };

  const casualtyItem = (c: Casualty): HTMLLIElement =>
    el(
      'li',
      { 'data-casualty': c.id, 'data-tag': c.tag ?? '' },
      el('strong', {}, c.id),
      c.tag === null ? null : el('span', { class: `em-tag em-tag-${c.tag}` }, c.tag),
      el('span', { class: 'em-findings' }, findingsText(c)),
    );

  const promptItem = (p: PromptEntry): HTMLLIElement =>
    el(
      'li',
      { class: `em-prompt em-prompt-${p.kind}`, 'data-kind': p.kind, 'data-for-me': String(p.forMe), 'data-seq': String(p.seq) },
      el('time', {}, formatTime(p.timeS)),
      p.role === null ? null : el('span', { class: 'em-role' }, p.role.replace(/_/g, ' ')),
      el('span', { class: 'em-text' }, p.text),
    );

  const feedItem = (f: FeedEntry): HTMLLIElement =>
    el(
      'li',
      {
        class: `em-feed-item em-feed-${f.kind}${f.refused ? ' em-was-refused' : ''}`,
        'data-kind': f.kind,
        'data-seq': f.seq === null ? '' : String(f.seq),
        ...(f.action === null ? {} : { 'data-action': f.action }),
        ...(f.refused ? { 'data-refused': 'true' } : {}),
      },
      el('time', {}, formatTime(f.timeS)),
      el('span', { class: 'em-text' }, f.text),
    );

  // ------------------------------------------------------------ ECG
  const sweep = new EcgSweep(400, 100);
  let lastFrameMs: number | null = null;
  let lastEcgMs = 0;
  let raf = 0;

  const drawEcg = (): void => {
    const width = Math.max(1, Math.round(ecg.clientWidth * Math.min(window.devicePixelRatio, 2)));
    const height = Math.max(1, Math.round(ecg.clientHeight * Math.min(window.devicePixelRatio, 2)));
    if (ecg.width !== width) ecg.width = width;
    if (ecg.height !== height) ecg.height = height;
    const g = ecg.getContext('2d');
    if (g === null) return;
    g.fillStyle = '#0b1410';
    g.fillRect(0, 0, width, height);
    g.strokeStyle = '#39e27a';
    g.lineWidth = Math.max(1, height / 48);
    g.beginPath();
    const n = sweep.length;
    const gap = Math.max(2, Math.round(n / 40));
    let pen = false;
    for (let i = 0; i < n; i++) {
      const ahead = (i - sweep.cursor + n) % n;
      if (ahead < gap) {
        pen = false; // the erase bar in front of the cursor
        continue;
      }
      const x = (i / (n - 1)) * width;
      const y = height / 2 - (sweep.values[i] ?? 0) * height * 0.36;
      if (pen) g.lineTo(x, y);
      else g.moveTo(x, y);
      pen = true;
    }
    g.stroke();
  };

  const frame = (nowMs: number): void => {
    if (disposed) return;
    raf = requestAnimationFrame(frame);
    if (model.version !== renderedVersion) render();
    if (nowMs - lastEcgMs < ECG_FRAME_MS || monitor.hidden) return;
    const dt = lastFrameMs === null ? 0 : (nowMs - lastFrameMs) / 1000;
    lastFrameMs = nowMs;
    lastEcgMs = nowMs;
    // Paused or over: the trace stands still (a flat line would read as asystole).
    if (model.paused || model.closed !== null) return;
    const m = model.monitor;
    sweep.advance(dt, m.rhythm, m.heartRate, m.cpr?.ratePerMin ?? null);
    drawEcg();
  };

  render();
  raf = requestAnimationFrame(frame);

  return {
    element,
    model,
    layout: 'side-panel',
    // A late joiner's backlog (at most 200 events) may have lost the
    // scenario's first events (its title and casualties): read them from the log.
    joined() {
      window.setTimeout(() => {
        if (disposed || model.patientKind !== null) return;
        listSessionEvents(options.sessionId, 0, 20)
          .then((events) => {
            const loaded = events.find((e) => e.type === 'scenario_loaded');
            if (loaded !== undefined && !disposed) model.applyLoadedScenario(loaded);
          })
          .catch(() => undefined); // not allowed or not there: the panel works without it
      }, 1500);
    },
    message(message) {
      if (message.type === 'events') {
        model.applyEvents(message.events);
        return;
      }
      const result = model.applyReply(message);
      const target = result.kind === 'control' ? controlReply : actionReply;
      setReply(target, result.text, result.ok ? 'ok' : 'error');
    },
    participant(number) {
      model.setParticipant(number);
    },
    connected(isOpen) {
      open = isOpen;
      syncEnabled();
    },
    closed(code, reason) {
      open = false;
      model.connectionClosed(code, reason);
      render();
    },
    dispose() {
      disposed = true;
      cancelAnimationFrame(raf);
    },
  };
}

function cueLabel(name: string, description: string | undefined): string {
  const label = name.replace(/_/g, ' ');
  return description === undefined || description === '' ? label : `${label} — ${description}`;
}
