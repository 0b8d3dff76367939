import type { ActionRequest, ControlRequest, ReplyMessage, SessionEvent } from '../../protocol';
import { describeAction } from './actions';
import { applyVitals, emptyMonitor, rhythmLabel, type MonitorState } from './monitor';

// Everything the emergency panel shows, built from the session's events
// (docs/events.md, docs/scenarios.md), the REPLYs to this client's requests
// and the connection's close. Plain data, no DOM: the panel renders it.

export type FeedKind =
  | 'action'
  | 'refused'
  | 'instructor'
  | 'observation'
  | 'finding'
  | 'rhythm'
  | 'participant'
  | 'system'
  | 'assessment';

export interface FeedEntry {
  id: number;
  /** Seq of the event, or null for entries made by this client (a refused request). */
  seq: number | null;
  /** Session time in seconds, when known. */
  timeS: number | null;
  kind: FeedKind;
  text: string;
  /** An `action` that the module then refused. */
  refused: boolean;
  /** Participant number for actions and refusals. */
  participant: number | null;
  /** Action name for `action` and `refused` entries. */
  action: string | null;
  /** The action in words, without who took it ("gives epinephrine 1 mg"). */
  what: string | null;
}

export type PromptKind = 'prompt' | 'state' | 'scenario';

export interface PromptEntry {
  id: number;
  seq: number;
  timeS: number | null;
  kind: PromptKind;
  text: string;
  /** The role a prompt is for, when it names one. */
  role: string | null;
  /** The prompt names a role this client's participant took. */
  forMe: boolean;
}

export interface Casualty {
  id: string;
  /** The START findings and description, as the scenario gives them. */
  findings: Record<string, unknown>;
  tag: string | null;
  airwayRepositioned: boolean;
}

export interface Participant {
  number: number;
  userId: string | null;
  username: string;
  role: string;
  present: boolean;
  teamRoles: string[];
}

export interface EndState {
  /** `completed`, `failed` or `aborted`, from scenario_ended or the assessment. */
  outcome: string | null;
  /** Why the session ended (session_ended, or the close reason after "session ended: "). */
  reason: string | null;
  score: number | null;
  passed: boolean | null;
  proficiency: number | null;
  feedback: string[];
}

export type RequestKind = 'action' | 'control';

export interface PendingRequest {
  seq: number;
  kind: RequestKind;
  label: string;
}

export interface ReplyResult {
  kind: RequestKind | null;
  ok: boolean;
  /** What to show: "give drug epinephrine 1 mg: accepted", or the refusal. */
  text: string;
  code: string | null;
}

export const FEED_LIMIT = 150;
export const PROMPT_LIMIT = 60;
const PENDING_LIMIT = 200;
export const FORBIDDEN_CONTROL_TEXT = 'you do not teach this session';
const SESSION_ENDED_PREFIX = 'session ended:';

export class EmergencySession {
  readonly monitor: MonitorState = emptyMonitor();
  /** Newest first. */
  readonly prompts: PromptEntry[] = [];
  /** Newest first. */
  readonly feed: FeedEntry[] = [];
  readonly participants = new Map<number, Participant>();
  scenarioTitle: string | null = null;
  variant: string | null = null;
  state: string | null = null;
  paused = false;
  /** Triage casualties; null until the scenario says (a single-patient scenario has none). */
  casualties: Casualty[] | null = null;
  /** `patient` once vitals arrive, `casualties` once casualties do. */
  patientKind: 'patient' | 'casualties' | null = null;
  myParticipant: number | null = null;
  end: EndState | null = null;
  /** The connection is closed (for whatever reason). */
  closed: { code: number; reason: string } | null = null;
  tickRateHz = 1000;
  /** Seq of the newest event applied; older or repeated events are skipped. */
  lastSeq = 0;
  /** Bumped on every change, so a view knows when to redraw. */
  version = 0;
  /** Bumped when casualties or roles change (forms rebuild their choices). */
  choicesVersion = 0;

  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();

  /** This client's participant number (from the KEYFRAME). */
  setParticipant(number: number): void {
    if (this.myParticipant === number) return;
    this.myParticipant = number;
    for (const prompt of this.prompts) prompt.forMe = this.isForMe(prompt.role);
    this.changed(true);
  }

  /** Team roles this client's participant has taken. */
  myRoles(): string[] {
    if (this.myParticipant === null) return [];
    return this.participants.get(this.myParticipant)?.teamRoles ?? [];
  }

  pendingRequest(seq: number): PendingRequest | undefined {
    return this.pending.get(seq);
  }

  /** Applies events in order; returns whether anything changed. */
  applyEvents(events: readonly SessionEvent[]): boolean {
    let any = false;
    for (const event of events) {
      if (event.seq <= this.lastSeq) continue;
      this.lastSeq = event.seq;
      this.applyEvent(event);
      any = true;
    }
    if (any) this.version++;
    return any;
  }

  /** Remembers a request this client sent, to match its REPLY. */
  requestSent(seq: number, request: { action: ActionRequest } | { control: ControlRequest }): void {
    const entry: PendingRequest =
      'action' in request
        ? { seq, kind: 'action', label: describeAction(request.action.name, request.action.params) }
        : { seq, kind: 'control', label: controlLabel(request.control) };
    this.pending.set(seq, entry);
    if (this.pending.size > PENDING_LIMIT) {
      const oldest = this.pending.keys().next();
      if (oldest.done !== true) this.pending.delete(oldest.value);
    }
  }

  /** Matches a REPLY to its request; a refusal also goes into the feed. */
  applyReply(reply: ReplyMessage): ReplyResult {
    const request = this.pending.get(reply.ref);
    this.pending.delete(reply.ref);
    const kind = request?.kind ?? null;
    const label = request?.label ?? `request ${reply.ref}`;
    const code = reply.code ?? null;
    if (reply.ok) {
      return { kind, ok: true, text: `${label}: accepted`, code };
    }
    const why =
      code === 'forbidden' && kind !== 'action'
        ? FORBIDDEN_CONTROL_TEXT
        : reply.error !== undefined && reply.error !== ''
          ? reply.error
          : (code ?? 'refused');
    const text = `${label}: refused — ${why}`;
    this.pushFeed({ seq: null, tick: null, kind: 'refused', text, participant: this.myParticipant, action: null });
    this.version++;
    return { kind, ok: false, text, code };
  }

  /** The WebSocket closed; "session ended: why" means the session is over. */
  connectionClosed(code: number, reason: string): void {
    this.closed = { code, reason };
    if (reason.toLowerCase().startsWith(SESSION_ENDED_PREFIX)) {
      const why = reason.slice(SESSION_ENDED_PREFIX.length).trim();
      const end = this.ensureEnd();
      if (end.reason === null && why !== '') end.reason = why;
    }
    this.version++;
  }

  private applyEvent(e: SessionEvent): void {
    const p = e.payload;
    switch (e.type) {
      case 'session_started': {
        const rate = num(p['tick_rate_hz']);
        if (rate !== null && rate > 0) this.tickRateHz = rate;
        break;
      }
      case 'vitals':
        applyVitals(this.monitor, p, e.seq);
        if (this.patientKind === null) this.patientKind = 'patient';
        break;
      case 'rhythm_changed': {
        const rhythm = str(p['rhythm']);
        if (rhythm === null) break;
        this.monitor.rhythm = rhythm;
        const from = str(p['from']);
        if (this.patientKind === null) this.patientKind = 'patient';
        this.pushFeed({
          seq: e.seq,
          tick: e.tick,
          kind: 'rhythm',
          text: from === null ? `Rhythm: ${rhythmLabel(rhythm)}` : `Rhythm changed: ${rhythmLabel(from)} → ${rhythmLabel(rhythm)}`,
        });
        break;
      }
      case 'compressions_started':
        this.monitor.cpr = { depthMm: num(p['depth_mm']), ratePerMin: num(p['rate_per_min']) };
        break;
      case 'compressions_stopped':
        this.monitor.cpr = null;
        break;
      case 'participant_joined': {
        const number = num(p['participant']);
        if (number === null) break;
        const existing = this.participants.get(number);
        const participant: Participant = {
          number,
          userId: str(p['user_id']),
          username: str(p['username']) ?? `participant ${number}`,
          role: str(p['role']) ?? '',
          present: true,
          teamRoles: existing?.teamRoles ?? [],
        };
        this.participants.set(number, participant);
        const role = participant.role === '' ? '' : ` (${participant.role})`;
        this.pushFeed({ seq: e.seq, tick: e.tick, kind: 'participant', text: `${participant.username}${role} joined as P${number}` });
        break;
      }
      case 'participant_left': {
        const number = num(p['participant']);
        if (number === null) break;
        const participant = this.participants.get(number);
        if (participant !== undefined) participant.present = false;
        this.pushFeed({ seq: e.seq, tick: e.tick, kind: 'participant', text: `${this.who(number)} left` });
        break;
      }
      case 'action': {
        const number = num(p['participant']);
        const name = str(p['action']) ?? '?';
        const params = obj(p['params']);
        const what = describeAction(name, params ?? undefined);
        this.pushFeed({
          seq: e.seq,
          tick: e.tick,
          kind: 'action',
          text: `${this.who(number)} ${what}`,
          participant: number,
          action: name,
          what,
        });
        break;
      }
      case 'action_refused':
        this.applyRefusal(e);
        break;
      case 'role_assigned': {
        const number = num(p['participant']);
        const role = str(p['role']);
        if (number === null || role === null) break;
        let participant = this.participants.get(number);
        if (participant === undefined) {
          participant = { number, userId: null, username: `P${number}`, role: '', present: true, teamRoles: [] };
          this.participants.set(number, participant);
        }
        if (!participant.teamRoles.includes(role)) participant.teamRoles.push(role);
        if (number === this.myParticipant) {
          for (const prompt of this.prompts) prompt.forMe = this.isForMe(prompt.role);
        }
        this.choicesVersion++;
        break;
      }
      case 'instructor': {
        const control = str(p['control']) ?? '?';
        const by = this.byName(p['by']);
        const text = str(p['text']) ?? '';
        const line =
          control === 'pause'
            ? `${by} paused the scenario`
            : control === 'resume'
              ? `${by} resumed the scenario`
              : control === 'cue'
                ? `${by} cue: ${text.replace(/_/g, ' ')}`
                : `${by} ${control}${text === '' ? '' : `: ${text}`}`;
        this.pushFeed({ seq: e.seq, tick: e.tick, kind: 'instructor', text: line });
        break;
      }
      case 'observation': {
        const text = str(p['text']) ?? '';
        const line = `Observation (${this.byName(p['by'])}): ${text}`;
        // The session and the scenario runtime may both log one observation.
        const last = this.feed[0];
        if (last !== undefined && last.kind === 'observation' && last.text === line && last.timeS === this.time(e.tick)) break;
        this.pushFeed({ seq: e.seq, tick: e.tick, kind: 'observation', text: line });
        break;
      }
      case 'rhythm_checked': {
        const rhythm = str(p['rhythm']);
        this.pushFeed({ seq: e.seq, tick: e.tick, kind: 'finding', text: `Rhythm check: ${rhythmLabel(rhythm)}` });
        break;
      }
      case 'pulse_checked': {
        const pulse = p['pulse'];
        const text = pulse === true ? 'Pulse check: pulse present' : pulse === false ? 'Pulse check: no pulse' : 'Pulse check';
        this.pushFeed({ seq: e.seq, tick: e.tick, kind: 'finding', text });
        break;
      }
      case 'scenario_action_failed': {
        const action = str(p['action']) ?? '?';
        const reason = str(p['reason']) ?? '';
        this.pushFeed({ seq: e.seq, tick: e.tick, kind: 'system', text: `Scenario action ${action} failed: ${reason}` });
        break;
      }
      case 'scenario_loaded': {
        this.scenarioTitle = str(p['title']) ?? this.scenarioTitle;
        const variant = str(p['variant']);
        if (variant !== null && variant !== '') this.variant = variant;
        this.applyCasualties(p['casualties']);
        break;
      }
      case 'scenario_started': {
        const variant = str(p['variant']);
        if (variant !== null && variant !== '') this.variant = variant;
        this.pushPrompt(e, 'scenario', `Scenario started${this.variant === null ? '' : ` (${this.variant.replace(/_/g, ' ')})`}`, null);
        break;
      }
      case 'state_entered': {
        const state = str(p['state']);
        if (state === null) break;
        this.state = state;
        this.pushPrompt(e, 'state', `State: ${state.replace(/_/g, ' ')}`, null);
        break;
      }
      case 'prompt_shown': {
        const text = str(p['text']);
        if (text === null) break;
        this.pushPrompt(e, 'prompt', text, str(p['role']));
        break;
      }
      case 'scenario_paused':
        this.paused = true;
        this.pushPrompt(e, 'scenario', `Paused by ${this.byName(p['by'])}`, null);
        break;
      case 'scenario_resumed':
        this.paused = false;
        this.pushPrompt(e, 'scenario', `Resumed by ${this.byName(p['by'])}`, null);
        break;
      case 'cue_received': {
        const cue = str(p['cue']);
        if (cue !== null) this.pushPrompt(e, 'scenario', `Cue: ${cue.replace(/_/g, ' ')}`, null);
        break;
      }
      case 'scenario_ended': {
        const end = this.ensureEnd();
        end.outcome = str(p['outcome']) ?? end.outcome;
        const why = str(p['reason']);
        this.paused = false;
        this.pushPrompt(
          e,
          'scenario',
          `Scenario ended: ${end.outcome ?? 'ended'}${why === 'time_limit' ? ' (time limit reached)' : ''}`,
          null,
        );
        break;
      }
      case 'assessment': {
        const end = this.ensureEnd();
        end.outcome = str(p['outcome']) ?? end.outcome;
        end.score = num(p['score']);
        end.passed = typeof p['passed'] === 'boolean' ? p['passed'] : null;
        end.proficiency = num(p['proficiency']);
        end.feedback = Array.isArray(p['feedback']) ? p['feedback'].filter((f): f is string => typeof f === 'string') : [];
        const score = end.score === null ? '' : `score ${Math.round(end.score)}`;
        const passed = end.passed === null ? '' : end.passed ? 'passed' : 'not passed';
        this.pushFeed({
          seq: e.seq,
          tick: e.tick,
          kind: 'assessment',
          text: `Assessment: ${[end.outcome ?? '', score, passed].filter((x) => x !== '').join(', ')}`,
        });
        break;
      }
      case 'session_ended': {
        const end = this.ensureEnd();
        end.reason = str(p['reason']) ?? end.reason;
        this.pushPrompt(e, 'scenario', `Session ended${end.reason === null ? '' : `: ${end.reason}`}`, null);
        break;
      }
      case 'patient_tagged': {
        const casualty = this.casualty(str(p['patient']));
        if (casualty !== null) casualty.tag = str(p['tag']);
        break;
      }
      case 'airway_repositioned': {
        const casualty = this.casualty(str(p['patient']));
        if (casualty !== null) casualty.airwayRepositioned = true;
        break;
      }
      default:
        // Samples (compression), derived (grab, release) and bookkeeping
        // events (state_exited, trigger_fired, variable_set, scenario_action,
        // effects of actions already in the feed) are not shown.
        break;
    }
  }

  private applyRefusal(e: SessionEvent): void {
    const p = e.payload;
    const reason = str(p['reason']) ?? 'refused';
    const control = str(p['control']);
    if (control !== null && p['action'] === undefined) {
      this.pushFeed({ seq: e.seq, tick: e.tick, kind: 'refused', text: `Instructor ${control} refused: ${reason}` });
      return;
    }
    const number = num(p['participant']);
    const name = str(p['action']) ?? '?';
    // The session logs the `action`, then its refusal: mark that action.
    const taken = this.feed.find((f) => f.kind === 'action' && !f.refused && f.participant === number && f.action === name);
    if (taken !== undefined) taken.refused = true;
    const what = taken?.what ?? describeAction(name, undefined);
    this.pushFeed({
      seq: e.seq,
      tick: e.tick,
      kind: 'refused',
      text: `${this.who(number)}: ${what} refused — ${reason}`,
      participant: number,
      action: name,
      what,
    });
  }

  private applyCasualties(value: unknown): void {
    if (!Array.isArray(value)) return;
    const list: Casualty[] = [];
    for (const item of value as unknown[]) {
      const c = obj(item);
      const id = c === null ? null : str(c['id']);
      if (c === null || id === null) continue;
      const { id: _id, ...findings } = c;
      const previous = this.casualties?.find((x) => x.id === id);
      list.push({ id, findings, tag: previous?.tag ?? null, airwayRepositioned: previous?.airwayRepositioned ?? false });
    }
    if (list.length === 0) return; // a single-patient scenario lists none
    this.casualties = list;
    this.patientKind = 'casualties';
    this.choicesVersion++;
  }

  /** Merges the scenario_loaded event fetched from the REST log when the join backlog lacked it. */
  applyLoadedScenario(event: SessionEvent): void {
    if (event.type !== 'scenario_loaded') return;
    const p = event.payload;
    if (this.scenarioTitle === null) this.scenarioTitle = str(p['title']);
    const variant = str(p['variant']);
    if (this.variant === null && variant !== null && variant !== '') this.variant = variant;
    if (this.casualties === null) this.applyCasualties(p['casualties']);
    this.version++;
  }

  private casualty(id: string | null): Casualty | null {
    if (id === null || this.casualties === null) return null;
    return this.casualties.find((c) => c.id === id) ?? null;
  }

  private ensureEnd(): EndState {
    if (this.end === null) {
      this.end = { outcome: null, reason: null, score: null, passed: null, proficiency: null, feedback: [] };
    }
    return this.end;
  }

  private who(number: number | null): string {
    if (number === null) return 'someone';
    const participant = this.participants.get(number);
    const name = participant?.username ?? `P${number}`;
    return number === this.myParticipant ? `${name} (you)` : name;
  }

  /** `by` of instructor events is a user id (or "instructor"): show the username when known. */
  private byName(by: unknown): string {
    const id = str(by);
    if (id === null || id === '') return 'instructor';
    for (const participant of this.participants.values()) {
      if (participant.userId === id) return participant.username;
    }
    return id;
  }

  private isForMe(role: string | null): boolean {
    return role !== null && this.myRoles().includes(role);
  }

  private time(tick: number | null): number | null {
    return tick === null ? null : tick / this.tickRateHz;
  }

  private pushFeed(entry: {
    seq: number | null;
    tick: number | null;
    kind: FeedKind;
    text: string;
    participant?: number | null;
    action?: string | null;
    what?: string | null;
  }): void {
    this.feed.unshift({
      id: this.nextId++,
      seq: entry.seq,
      timeS: this.time(entry.tick),
      kind: entry.kind,
      text: entry.text,
      refused: false,
      participant: entry.participant ?? null,
      action: entry.action ?? null,
      what: entry.what ?? null,
    });
    if (this.feed.length > FEED_LIMIT) this.feed.length = FEED_LIMIT;
  }

  private pushPrompt(e: SessionEvent, kind: PromptKind, text: string, role: string | null): void {
    this.prompts.unshift({ id: this.nextId++, seq: e.seq, timeS: this.time(e.tick), kind, text, role, forMe: this.isForMe(role) });
    if (this.prompts.length > PROMPT_LIMIT) this.prompts.length = PROMPT_LIMIT;
  }

  private changed(choices = false): void {
    this.version++;
    if (choices) this.choicesVersion++;
  }
}

/** "m:ss" for a session time. */
export function formatTime(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

// START findings in words; `breathing_after_airway` only once the airway was repositioned.
const FINDING_ORDER = [
  'injuries',
  'walking',
  'breathing',
  'breathing_after_airway',
  'respiration_rate_per_min',
  'radial_pulse',
  'capillary_refill_s',
  'obeys_commands',
  'age_y',
] as const;
const FINDING_LABELS: Record<string, string> = {
  walking: 'walks',
  breathing: 'breathing',
  breathing_after_airway: 'breathing after airway',
  respiration_rate_per_min: 'RR',
  radial_pulse: 'radial pulse',
  capillary_refill_s: 'cap refill (s)',
  obeys_commands: 'obeys commands',
  age_y: 'age',
};

export function findingsText(c: Casualty): string {
  const parts: string[] = [];
  for (const key of FINDING_ORDER) {
    const value = c.findings[key];
    if (value === undefined || value === null) continue;
    if (key === 'breathing_after_airway' && !c.airwayRepositioned) continue;
    if (key === 'injuries') {
      parts.push(String(value));
      continue;
    }
    const shown = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    parts.push(`${FINDING_LABELS[key] ?? key}: ${shown}`);
  }
  return parts.join(' · ');
}

function controlLabel(control: ControlRequest): string {
  switch (control.control) {
    case 'pause':
      return 'pause';
    case 'resume':
      return 'resume';
    case 'cue':
      return `cue ${(control.text ?? '').replace(/_/g, ' ')}`;
    case 'observation':
      return 'observation';
  }
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function obj(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
