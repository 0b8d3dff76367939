import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ServedActionSpec } from '../../api/types';
import {
  actionFromServed,
  buildAction,
  choicesFor,
  followValues,
  initialValues,
  offeredActions,
  unknownAction,
  type ActionContext,
  type ActionSpec,
  type ChoiceParam,
} from '../../ui/action-form';
import { describeAction } from './actions';

// The emergency module's forms, built from the specs the server serves
// (web/src/modules/fixtures/modules.json is `medvision modules`, kept equal
// to it by the C++ test modules_fixture). The expectations are independent:
// the team actions emergency_module.cpp takes, and the params the shipped
// good traces send.
const modules = JSON.parse(readFileSync(new URL('../fixtures/modules.json', import.meta.url), 'utf8')) as { id: string; actions: ServedActionSpec[] }[];
const SPECS: ActionSpec[] = (modules.find((m) => m.id === 'emergency')?.actions ?? []).map(actionFromServed);
const actionSpec = (name: string): ActionSpec => SPECS.find((s) => s.name === name) ?? unknownAction(name);

const MODULE_ACTIONS = [
  'assign_role', 'compressions', 'shock', 'rhythm_check', 'pulse_check', 'give_drug',
  'give_fluid', 'access', 'airway', 'oxygen', 'ventilate', 'treat_cause',
  'tourniquet', 'pressure', 'pack_wound', 'control_bleeding', 'recognise_shock', 'tag',
  'reposition_airway',
];

const acls: ActionContext = { roles: ['team_leader', 'compressor', 'airway', 'medications', 'recorder'], casualties: null };
const triage: ActionContext = { roles: ['triage_officer', 'recorder'], casualties: ['p1', 'p2', 'p3'] };

const build = (name: string, values: Record<string, string>, ctx: ActionContext = acls) => buildAction(actionSpec(name), values, ctx);
const defaults = (name: string, ctx: ActionContext = acls) => buildAction(actionSpec(name), initialValues(actionSpec(name), ctx), ctx);

describe('team action forms from the served specs', () => {
  it('cover every action of the emergency module', () => {
    expect(SPECS.map((s) => s.name).sort()).toEqual([...MODULE_ACTIONS].sort());
  });

  it('by default build the params the good traces send', () => {
    // content/traces/emergency/*.good.jsonl
    expect(defaults('compressions')).toEqual({ ok: true, request: { name: 'compressions', params: { on: true, depth_mm: 55, rate_per_min: 110 } } });
    expect(defaults('shock')).toEqual({ ok: true, request: { name: 'shock', params: { energy_J: 200 } } });
    expect(defaults('give_drug')).toEqual({ ok: true, request: { name: 'give_drug', params: { drug: 'epinephrine', dose_mg: 1 } } });
    expect(defaults('airway')).toEqual({ ok: true, request: { name: 'airway', params: { state: 'bag_valve_mask' } } });
    expect(defaults('oxygen')).toEqual({ ok: true, request: { name: 'oxygen', params: { fraction: 1 } } });
    expect(defaults('ventilate')).toEqual({ ok: true, request: { name: 'ventilate', params: { rate_per_min: 10, tidal_volume_mL: 500 } } });
    expect(defaults('access')).toEqual({ ok: true, request: { name: 'access', params: { route: 'iv' } } });
    expect(defaults('rhythm_check')).toEqual({ ok: true, request: { name: 'rhythm_check', params: {} } });
    expect(defaults('recognise_shock')).toEqual({ ok: true, request: { name: 'recognise_shock', params: {} } });
    expect(defaults('assign_role')).toEqual({ ok: true, request: { name: 'assign_role', params: { role: 'team_leader' } } });
    expect(defaults('tourniquet')).toEqual({ ok: true, request: { name: 'tourniquet', params: {} } });
    expect(defaults('give_fluid')).toEqual({
      ok: true,
      request: { name: 'give_fluid', params: { fluid: 'crystalloid', volume_mL: 500, rate_mL_per_min: 200 } },
    });
    expect(defaults('tag', triage)).toEqual({ ok: true, request: { name: 'tag', params: { patient: 'p1', tag: 'immediate' } } });
    expect(defaults('reposition_airway', triage)).toEqual({ ok: true, request: { name: 'reposition_airway', params: { patient: 'p1' } } });
  });

  it('builds from edited values', () => {
    expect(build('compressions', { on: 'false', depth_mm: '55', rate_per_min: '110' })).toEqual({
      ok: true,
      request: { name: 'compressions', params: { on: false } },
    });
    expect(build('give_drug', { drug: 'amiodarone', dose_mg: '300' })).toEqual({
      ok: true,
      request: { name: 'give_drug', params: { drug: 'amiodarone', dose_mg: 300 } },
    });
    expect(build('tourniquet', { site: ' left_thigh ' })).toEqual({ ok: true, request: { name: 'tourniquet', params: { site: 'left_thigh' } } });
    expect(build('give_fluid', { fluid: 'blood', volume_mL: '500', rate_mL_per_min: '150' })).toEqual({
      ok: true,
      request: { name: 'give_fluid', params: { fluid: 'blood', volume_mL: 500, rate_mL_per_min: 150 } },
    });
    expect(build('treat_cause', { cause: 'tension_pneumothorax' })).toEqual({
      ok: true,
      request: { name: 'treat_cause', params: { cause: 'tension_pneumothorax' } },
    });
  });

  it('refuses values out of range or not among the choices', () => {
    expect(build('shock', { energy_J: '1000' })).toEqual({ ok: false, error: 'Shock: energy must be between 1 and 400 J' });
    expect(build('shock', { energy_J: 'lots' })).toEqual({ ok: false, error: 'Shock: energy must be a number' });
    expect(build('shock', { energy_J: '' })).toEqual({ ok: false, error: 'Shock: energy is required' });
    expect(build('assign_role', { role: '' })).toEqual({ ok: false, error: 'Take role: choose a role' });
    expect(build('give_drug', { drug: 'adenosine', dose_mg: '6' })).toEqual({ ok: false, error: 'Give drug: adenosine is not a drug here' });
    expect(build('assign_role', { role: 'surgeon' })).toEqual({ ok: false, error: 'Take role: surgeon is not a role here' });
    expect(build('oxygen', { fraction: '0.1' }).ok).toBe(false);
    expect(build('tag', { patient: 'p9', tag: 'minor' }, triage)).toEqual({ ok: false, error: 'Tag: p9 is not a casualty here' });
    expect(build('tag', { patient: 'p1', tag: 'green' }, triage).ok).toBe(false);
  });

  it('offers free text when roles or casualties are not known', () => {
    const none: ActionContext = { roles: [], casualties: null };
    expect(choicesFor(actionSpec('assign_role').params[0] as ChoiceParam, none)).toBeNull();
    expect(build('assign_role', { role: 'scribe' }, none)).toEqual({ ok: true, request: { name: 'assign_role', params: { role: 'scribe' } } });
    expect(build('tag', { patient: 'p12', tag: 'minor' }, none)).toEqual({ ok: true, request: { name: 'tag', params: { patient: 'p12', tag: 'minor' } } });
    expect(initialValues(actionSpec('tag'), none)).toEqual({ patient: '', tag: 'immediate' });
  });

  it('moves the dose with the drug', () => {
    const spec = actionSpec('give_drug');
    expect(followValues(spec, 'drug', { drug: 'amiodarone', dose_mg: '1' })).toEqual({ dose_mg: '300' });
    expect(followValues(spec, 'drug', { drug: 'lidocaine', dose_mg: '1' })).toEqual({ dose_mg: '100' });
    expect(followValues(spec, 'dose_mg', { drug: 'lidocaine', dose_mg: '5' })).toEqual({});
  });

  it('gives unknown actions a JSON params field', () => {
    const spec = unknownAction('defibrillator_pads');
    expect(spec.group).toBe('other');
    expect(buildAction(spec, { params: '' }, acls)).toEqual({ ok: true, request: { name: 'defibrillator_pads', params: {} } });
    expect(buildAction(spec, { params: '{"side":"left"}' }, acls)).toEqual({
      ok: true,
      request: { name: 'defibrillator_pads', params: { side: 'left' } },
    });
    expect(buildAction(spec, { params: '[1]' }, acls)).toEqual({ ok: false, error: 'defibrillator pads: params must be a JSON object' });
    expect(buildAction(spec, { params: '{' }, acls).ok).toBe(false);
  });

  it('offers the actions that fit the kind of patient', () => {
    const all = offeredActions(SPECS, null).map((s) => s.name);
    expect(all).toHaveLength(MODULE_ACTIONS.length);
    const single = offeredActions(SPECS, 'patient').map((s) => s.name);
    expect(single).not.toContain('tag');
    expect(single).toContain('shock');
    const casualties = offeredActions(SPECS, 'casualties').map((s) => s.name);
    expect(casualties).toContain('tag');
    expect(casualties).toContain('reposition_airway');
    expect(casualties).toContain('assign_role');
    expect(casualties).not.toContain('shock');
  });

  it('labels choices and switches as the module declares them', () => {
    const airway = actionSpec('airway').params[0] as ChoiceParam;
    expect(choicesFor(airway, acls)).toEqual([
      { value: 'open', label: 'open (head tilt)' },
      { value: 'bag_valve_mask', label: 'bag-valve-mask' },
      { value: 'intubated', label: 'intubate' },
    ]);
    expect(actionSpec('compressions').params[0]).toMatchObject({ kind: 'boolean', trueLabel: 'start', falseLabel: 'stop' });
    // The fluid rate's range is the patient model's (physio::give_fluid: 1-2000 mL/min).
    expect(build('give_fluid', { fluid: 'blood', volume_mL: '500', rate_mL_per_min: '1500' }).ok).toBe(true);
    expect(build('give_fluid', { fluid: 'blood', volume_mL: '500', rate_mL_per_min: '2500' })).toEqual({
      ok: false,
      error: 'Give fluid: rate must be between 1 and 2000 mL/min',
    });
  });

  it('describes actions for the feed', () => {
    expect(describeAction('give_drug', { drug: 'epinephrine', dose_mg: 1 })).toBe('gives epinephrine 1 mg');
    expect(describeAction('shock', { energy_J: 200 })).toBe('shocks 200 J');
    expect(describeAction('compressions', { on: false })).toBe('stops compressions');
    expect(describeAction('compressions', { on: true, depth_mm: 55, rate_per_min: 110 })).toBe('starts compressions 55 mm 110/min');
    expect(describeAction('assign_role', { role: 'team_leader' })).toBe('takes role team leader');
    expect(describeAction('tag', { patient: 'p3', tag: 'immediate' })).toBe('tags p3 immediate');
    expect(describeAction('access', { route: 'io' })).toBe('obtains IO access');
    expect(describeAction('tourniquet', { site: 'left_thigh' })).toBe('applies a tourniquet to left thigh');
    expect(describeAction('mystery', { a: 1, b: 'x' })).toBe('mystery a=1 b=x');
    expect(describeAction('rhythm_check', undefined)).toBe('checks the rhythm');
  });
});
