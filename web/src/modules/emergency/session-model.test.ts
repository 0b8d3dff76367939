import { describe, expect, it } from 'vitest';
import type { ReplyMessage, SessionEvent } from '../../protocol';
import { EmergencySession, FEED_LIMIT, findingsText, formatTime, PROMPT_LIMIT } from './session-model';

// Events shaped as the server writes them (session.cpp, emergency_module.cpp,
// the scenario runtime: docs/events.md, docs/scenarios.md). Tick rate 1 kHz.
let nextSeq = 1;
function ev(type: string, payload: Record<string, unknown>, tick = 1000): SessionEvent {
  return { seq: nextSeq++, tick, type, payload };
}

function reply(ref: number, ok: boolean, code?: string, error?: string): ReplyMessage {
  const r: ReplyMessage = { type: 'reply', tick: 1, seq: 1, ref, ok };
  if (code !== undefined) r.code = code;
  if (error !== undefined) r.error = error;
  return r;
}

function aclsStart(): SessionEvent[] {
  return [
    ev('session_started', { kind: 'emergency/acls-vf', seed: 7, tick_rate_hz: 1000 }, 0),
    ev('scenario_loaded', { scenario: 'acls-vf', variant: '', title: 'ACLS megacode', casualties: [] }, 0),
    ev('rhythm_changed', { rhythm: 'vf_coarse' }, 0),
    ev('vitals', { time_s: 0, heart_rate_per_min: 0, systolic_mmHg: 15, diastolic_mmHg: 10, map_mmHg: 12, spo2_pct: 90, etco2_mmHg: 8, respiration_rate_per_min: 0, rhythm: 'vf_coarse' }, 0),
    ev('scenario_started', { scenario: 'acls-vf', variant: '' }, 0),
    ev('state_entered', { state: 'vf_recognised' }, 0),
    ev('prompt_shown', { text: 'Start CPR and attach the defibrillator.', role: 'team_leader' }, 0),
    ev('participant_joined', { participant: 1, user_id: 'usr_1', username: 'lead', role: 'trainee' }, 500),
    ev('participant_joined', { participant: 2, user_id: 'usr_2', username: 'cam', role: 'trainee' }, 600),
  ];
}

describe('EmergencySession: monitor, prompts and state', () => {
  it('builds the monitor and prompts from the start of a scenario', () => {
    const s = new EmergencySession();
    expect(s.applyEvents(aclsStart())).toBe(true);
    expect(s.scenarioTitle).toBe('ACLS megacode');
    expect(s.patientKind).toBe('patient');
    expect(s.casualties).toBeNull();
    expect(s.monitor).toMatchObject({ heartRate: 0, map: 12, rhythm: 'vf_coarse', spo2: 90 });
    expect(s.state).toBe('vf_recognised');
    expect(s.prompts.map((p) => [p.kind, p.text])).toEqual([
      ['prompt', 'Start CPR and attach the defibrillator.'],
      ['state', 'State: vf recognised'],
      ['scenario', 'Scenario started'],
    ]);
    expect(s.prompts[0]).toMatchObject({ role: 'team_leader', forMe: false, timeS: 0 });
    expect(s.feed.map((f) => f.text)).toEqual(['cam (trainee) joined as P2', 'lead (trainee) joined as P1', 'Rhythm: VF (coarse)']);
  });

  it('skips events it has already applied (the join backlog may overlap)', () => {
    const s = new EmergencySession();
    const events = aclsStart();
    s.applyEvents(events);
    const version = s.version;
    expect(s.applyEvents(events.slice(3))).toBe(false);
    expect(s.version).toBe(version);
    expect(s.prompts).toHaveLength(3);
  });

  it('marks prompts for the roles this participant took, even taken later', () => {
    const s = new EmergencySession();
    s.applyEvents(aclsStart());
    s.setParticipant(1);
    expect(s.prompts[0]?.forMe).toBe(false);
    s.applyEvents([
      ev('action', { participant: 1, action: 'assign_role', params: { role: 'team_leader' } }),
      ev('role_assigned', { role: 'team_leader', participant: 1 }),
      ev('prompt_shown', { text: 'Resume compressions.', role: 'compressor' }),
      ev('prompt_shown', { text: 'Shock now.', role: 'team_leader' }),
    ]);
    expect(s.myRoles()).toEqual(['team_leader']);
    expect(s.prompts.map((p) => [p.text, p.forMe])).toEqual([
      ['Shock now.', true],
      ['Resume compressions.', false],
      ['Start CPR and attach the defibrillator.', true],
      ['State: vf recognised', false],
      ['Scenario started', false],
    ]);
    expect(s.feed[0]?.text).toBe('lead (you) takes role team leader');
  });

  it('follows CPR, rhythm changes, pauses and checks', () => {
    const s = new EmergencySession();
    s.applyEvents(aclsStart());
    s.applyEvents([
      ev('action', { participant: 2, action: 'compressions', params: { on: true, depth_mm: 55, rate_per_min: 110 } }, 3000),
      ev('compressions_started', { participant: 2, depth_mm: 55, rate_per_min: 110 }, 3000),
      ev('compression', { depth_mm: 55, rate_per_min: 110 }, 3001),
    ]);
    expect(s.monitor.cpr).toEqual({ depthMm: 55, ratePerMin: 110 });
    expect(s.feed[0]?.text).toBe('cam starts compressions 55 mm 110/min');
    expect(s.feed[0]?.timeS).toBe(3);
    s.applyEvents([
      ev('compressions_stopped', { participant: 2 }, 28000),
      ev('rhythm_checked', { rhythm: 'vf_coarse' }, 29000),
      ev('pulse_checked', { pulse: false }, 29500),
      ev('shock_delivered', { energy_J: 200, participant: 1, rhythm_before: 'vf_coarse' }, 31000),
      ev('rhythm_changed', { rhythm: 'asystole', from: 'vf_coarse' }, 31000),
      ev('instructor', { control: 'pause', text: '', by: 'ines' }, 32000),
      ev('scenario_paused', { by: 'ines', state: 'cpr' }, 32000),
    ]);
    expect(s.monitor.cpr).toBeNull();
    expect(s.monitor.rhythm).toBe('asystole');
    expect(s.paused).toBe(true);
    expect(s.feed.slice(0, 4).map((f) => [f.kind, f.text])).toEqual([
      ['instructor', 'ines paused the scenario'],
      ['rhythm', 'Rhythm changed: VF (coarse) → Asystole'],
      ['finding', 'Pulse check: no pulse'],
      ['finding', 'Rhythm check: VF (coarse)'],
    ]);
    expect(s.prompts[0]?.text).toBe('Paused by ines');
    s.applyEvents([ev('scenario_resumed', { by: 'ines', state: 'cpr' }, 40000)]);
    expect(s.paused).toBe(false);
  });
});

describe('EmergencySession: feed', () => {
  it('shows a refusal with its reason and strikes the action it refused', () => {
    const s = new EmergencySession();
    s.applyEvents(aclsStart());
    s.applyEvents([
      ev('action', { participant: 1, action: 'give_drug', params: { drug: 'epinephrine', dose_mg: 1 } }, 5000),
      ev('action_refused', { participant: 1, action: 'give_drug', reason: 'no IV/IO access yet' }, 5000),
    ]);
    expect(s.feed[0]).toMatchObject({ kind: 'refused', text: 'lead: gives epinephrine 1 mg refused — no IV/IO access yet', action: 'give_drug', participant: 1 });
    expect(s.feed[1]).toMatchObject({ kind: 'action', refused: true });
  });

  it('shows a refused instructor control', () => {
    const s = new EmergencySession();
    s.applyEvents([
      ev('instructor', { control: 'cue', text: 'patient_sneezes', by: 'ines' }),
      ev('action_refused', { control: 'cue', reason: 'cue `patient_sneezes` is not declared' }),
    ]);
    expect(s.feed.map((f) => [f.kind, f.text])).toEqual([
      ['refused', 'Instructor cue refused: cue `patient_sneezes` is not declared'],
      ['instructor', 'ines cue: patient sneezes'],
    ]);
  });

  it('names instructors by username when they joined, by id otherwise', () => {
    const s = new EmergencySession();
    s.applyEvents([
      ev('participant_joined', { participant: 3, user_id: 'usr_ines', username: 'ines', role: 'instructor' }),
      ev('instructor', { control: 'resume', text: '', by: 'usr_ines' }),
      ev('observation', { text: 'Late shock', by: 'usr_other' }),
      ev('scenario_paused', { by: 'usr_ines', state: 'cpr' }),
    ]);
    expect(s.feed.slice(0, 2).map((f) => f.text)).toEqual(['Observation (usr_other): Late shock', 'ines resumed the scenario']);
    expect(s.prompts[0]?.text).toBe('Paused by ines');
  });

  it('shows observations once, and cues in the prompts', () => {
    const s = new EmergencySession();
    s.applyEvents([
      ev('observation', { text: 'Good closed-loop communication', by: 'ines' }, 7000),
      ev('observation', { text: 'Good closed-loop communication', by: 'ines', state: 'cpr' }, 7000),
      ev('cue_received', { cue: 'patient_vomits', by: 'ines', state: 'cpr' }, 8000),
      ev('scenario_action_failed', { action: 'set_rhythm', reason: 'unknown rhythm' }, 8000),
    ]);
    expect(s.feed.map((f) => f.text)).toEqual(['Scenario action set_rhythm failed: unknown rhythm', 'Observation (ines): Good closed-loop communication']);
    expect(s.prompts[0]?.text).toBe('Cue: patient vomits');
  });

  it('ignores samples and bookkeeping events', () => {
    const s = new EmergencySession();
    s.applyEvents([
      ev('compression', { depth_mm: 55, rate_per_min: 110 }),
      ev('variable_set', { variable: 'shocks', value: 1 }),
      ev('trigger_fired', { trigger: 'count_shocks', state: 'cpr' }),
      ev('state_exited', { state: 'cpr', after_s: 120 }),
      ev('grab', { participant: 1, hand: 1, body: 3 }),
      ev('drug_given', { drug: 'epinephrine', dose_mg: 1, participant: 1 }),
    ]);
    expect(s.feed).toEqual([]);
    expect(s.prompts).toEqual([]);
  });

  it('keeps at most FEED_LIMIT entries and PROMPT_LIMIT prompts, newest first', () => {
    const s = new EmergencySession();
    const events: SessionEvent[] = [];
    for (let i = 0; i < FEED_LIMIT + 20; i++) events.push(ev('pulse_checked', { pulse: i % 2 === 0 }));
    for (let i = 0; i < PROMPT_LIMIT + 5; i++) events.push(ev('prompt_shown', { text: `prompt ${i}` }));
    s.applyEvents(events);
    expect(s.feed).toHaveLength(FEED_LIMIT);
    expect(s.prompts).toHaveLength(PROMPT_LIMIT);
    expect(s.prompts[0]?.text).toBe(`prompt ${PROMPT_LIMIT + 4}`);
  });
});

describe('EmergencySession: replies', () => {
  it('matches replies to the requests sent', () => {
    const s = new EmergencySession();
    s.setParticipant(1);
    s.requestSent(5, { action: { name: 'shock', params: { energy_J: 200 } } });
    s.requestSent(6, { action: { name: 'give_drug', params: { drug: 'epinephrine', dose_mg: 1 } } });
    expect(s.pendingRequest(5)?.label).toBe('shocks 200 J');
    expect(s.applyReply(reply(5, true))).toEqual({ kind: 'action', ok: true, text: 'shocks 200 J: accepted', code: null });
    expect(s.pendingRequest(5)).toBeUndefined();
    expect(s.feed).toEqual([]);
    const refused = s.applyReply(reply(6, false, 'conflict', 'the scenario has ended'));
    expect(refused).toEqual({ kind: 'action', ok: false, text: 'gives epinephrine 1 mg: refused — the scenario has ended', code: 'conflict' });
    expect(s.feed[0]).toMatchObject({ kind: 'refused', text: refused.text, seq: null });
  });

  it('says "you do not teach this session" for a forbidden control', () => {
    const s = new EmergencySession();
    s.requestSent(9, { control: { control: 'pause' } });
    s.requestSent(10, { control: { control: 'cue', text: 'patient_vomits' } });
    expect(s.applyReply(reply(9, false, 'forbidden', 'only the session\'s instructors may control it'))).toMatchObject({
      kind: 'control',
      ok: false,
      text: 'pause: refused — you do not teach this session',
      code: 'forbidden',
    });
    expect(s.applyReply(reply(10, true)).text).toBe('cue patient vomits: accepted');
  });

  it('answers a reply to an unknown request', () => {
    const s = new EmergencySession();
    expect(s.applyReply(reply(77, false, 'invalid_input', 'malformed JSON'))).toEqual({
      kind: null,
      ok: false,
      text: 'request 77: refused — malformed JSON',
      code: 'invalid_input',
    });
  });
});

describe('EmergencySession: the end', () => {
  it('collects the outcome, the assessment and the reason', () => {
    const s = new EmergencySession();
    s.applyEvents(aclsStart());
    expect(s.end).toBeNull();
    s.applyEvents([
      ev('scenario_ended', { outcome: 'completed', reason: 'action', state: 'rosc' }, 600000),
      ev('assessment', { scenario: 'acls-vf', outcome: 'completed', score: 86.4, passed: true, proficiency: 80, feedback: ['Give epinephrine every 3-5 min.'] }, 600000),
      ev('session_ended', { reason: 'scenario completed' }, 600000),
    ]);
    expect(s.end).toEqual({ outcome: 'completed', reason: 'scenario completed', score: 86.4, passed: true, proficiency: 80, feedback: ['Give epinephrine every 3-5 min.'] });
    expect(s.prompts.slice(0, 2).map((p) => p.text)).toEqual(['Session ended: scenario completed', 'Scenario ended: completed']);
    expect(s.feed[0]?.text).toBe('Assessment: completed, score 86, passed');
  });

  it('ends on a "session ended: ..." close even without events', () => {
    const s = new EmergencySession();
    s.connectionClosed(1000, 'session ended: ended by ines');
    expect(s.closed).toEqual({ code: 1000, reason: 'session ended: ended by ines' });
    expect(s.end).toMatchObject({ reason: 'ended by ines', outcome: null });
  });

  it('does not call another close an end', () => {
    const s = new EmergencySession();
    s.connectionClosed(1008, 'rate limit exceeded');
    expect(s.end).toBeNull();
    expect(s.closed?.code).toBe(1008);
  });

  it('notes a time-limit end', () => {
    const s = new EmergencySession();
    s.applyEvents([ev('scenario_ended', { outcome: 'failed', reason: 'time_limit', state: 'cpr' })]);
    expect(s.end?.outcome).toBe('failed');
    expect(s.prompts[0]?.text).toBe('Scenario ended: failed (time limit reached)');
  });
});

describe('EmergencySession: triage casualties', () => {
  const loaded = (): SessionEvent =>
    ev('scenario_loaded', {
      scenario: 'triage-start',
      variant: '',
      title: 'START triage',
      casualties: [
        { id: 'p1', walking: true, breathing: true, respiration_rate_per_min: 18, injuries: 'Forearm laceration' },
        { id: 'p2', walking: false, breathing: false, breathing_after_airway: false, injuries: 'Severe head injury' },
        { walking: true },
      ],
    });

  it('lists casualties and follows tags and airway repositioning', () => {
    const s = new EmergencySession();
    s.applyEvents([loaded()]);
    expect(s.patientKind).toBe('casualties');
    expect(s.casualties?.map((c) => c.id)).toEqual(['p1', 'p2']);
    const p2 = s.casualties?.[1];
    if (p2 === undefined) throw new Error('no p2');
    expect(findingsText(p2)).toBe('Severe head injury · walks: no · breathing: no');
    s.applyEvents([
      ev('airway_repositioned', { patient: 'p2' }),
      ev('patient_tagged', { patient: 'p2', tag: 'expectant', participant: 1 }),
      ev('patient_tagged', { patient: 'p99', tag: 'minor', participant: 1 }),
    ]);
    expect(p2.tag).toBe('expectant');
    expect(findingsText(p2)).toBe('Severe head injury · walks: no · breathing: no · breathing after airway: no');
  });

  it('takes the scenario start from the REST log when the backlog lacked it', () => {
    const s = new EmergencySession();
    const before = s.choicesVersion;
    s.applyLoadedScenario(loaded());
    expect(s.scenarioTitle).toBe('START triage');
    expect(s.casualties).toHaveLength(2);
    expect(s.choicesVersion).toBeGreaterThan(before);
  });

  it('a single-patient scenario lists no casualties', () => {
    const s = new EmergencySession();
    s.applyEvents(aclsStart());
    expect(s.casualties).toBeNull();
  });
});

describe('formatTime', () => {
  it('writes m:ss', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(61.9)).toBe('1:01');
    expect(formatTime(1500)).toBe('25:00');
    expect(formatTime(null)).toBe('');
    expect(formatTime(-1)).toBe('');
  });
});
