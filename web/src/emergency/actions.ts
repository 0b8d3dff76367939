import type { ActionRequest, JsonObject } from '../protocol';

// The emergency module's team actions and their parameters, as
// src/modules/emergency/emergency_module.cpp reads them (act() and
// act_on_patient()); ranges from docs/scenarios.md (the catalog). Values come
// from form fields as strings and are checked here before anything is sent.

export interface Choice {
  value: string;
  label: string;
}

interface ParamBase {
  name: string;
  label: string;
  /** Left out of the params when empty (the server has a default). */
  optional?: boolean;
}

export interface ChoiceParam extends ParamBase {
  kind: 'choice';
  /** Fixed choices, or the scenario's roles, or the casualties of a triage scenario. */
  choices: readonly Choice[] | 'roles' | 'casualties';
  default?: string;
}

export interface NumberParam extends ParamBase {
  kind: 'number';
  min: number;
  max: number;
  step: number;
  default: number;
  unit?: string;
  /** A default that follows another parameter (the dose follows the drug). */
  suggest?: { from: string; values: Record<string, number> };
}

export interface BooleanParam extends ParamBase {
  kind: 'boolean';
  trueLabel: string;
  falseLabel: string;
  default: boolean;
}

export interface TextParam extends ParamBase {
  kind: 'text';
  default: string;
  suggestions?: readonly string[];
  maxLength: number;
}

/** Free JSON params, for an action this client does not know. */
export interface JsonParam extends ParamBase {
  kind: 'json';
}

export type ParamSpec = ChoiceParam | NumberParam | BooleanParam | TextParam | JsonParam;

export type ActionGroup = 'team' | 'cpr' | 'airway' | 'circulation' | 'haemorrhage' | 'triage' | 'other';

export interface ActionSpec {
  name: string;
  label: string;
  group: ActionGroup;
  params: readonly ParamSpec[];
  /** Needs a single patient (refused in triage scenarios). */
  patient: boolean;
  /** Needs casualties (triage scenarios only). */
  casualty: boolean;
}

export const GROUP_LABELS: Record<ActionGroup, string> = {
  team: 'Team',
  cpr: 'CPR and defibrillation',
  airway: 'Airway and breathing',
  circulation: 'Circulation and drugs',
  haemorrhage: 'Bleeding',
  triage: 'Triage',
  other: 'Other actions',
};

const choices = (...values: string[]): Choice[] => values.map((value) => ({ value, label: value.replace(/_/g, ' ') }));

export const DRUG_DOSES_MG: Record<string, number> = { epinephrine: 1, amiodarone: 300, lidocaine: 100 };
export const HS_AND_TS = [
  'hypovolaemia',
  'hypoxia',
  'hydrogen_ion',
  'hypokalaemia',
  'hyperkalaemia',
  'hypothermia',
  'tension_pneumothorax',
  'tamponade',
  'toxins',
  'thrombosis_pulmonary',
  'thrombosis_coronary',
] as const;
export const TRIAGE_TAGS = ['immediate', 'delayed', 'minor', 'expectant'] as const;
const BLEEDING_SITES = ['left_thigh', 'right_thigh', 'left_arm', 'right_arm', 'wound'] as const;

const site: TextParam = {
  kind: 'text',
  name: 'site',
  label: 'site',
  default: '',
  optional: true,
  suggestions: BLEEDING_SITES,
  maxLength: 64,
};
const casualty: ChoiceParam = { kind: 'choice', name: 'patient', label: 'casualty', choices: 'casualties' };

const SPECS: readonly ActionSpec[] = [
  {
    name: 'assign_role',
    label: 'Take role',
    group: 'team',
    patient: false,
    casualty: false,
    params: [{ kind: 'choice', name: 'role', label: 'role', choices: 'roles' }],
  },
  {
    name: 'compressions',
    label: 'Compressions',
    group: 'cpr',
    patient: true,
    casualty: false,
    params: [
      { kind: 'boolean', name: 'on', label: 'compressions', trueLabel: 'start', falseLabel: 'stop', default: true },
      { kind: 'number', name: 'depth_mm', label: 'depth', unit: 'mm', min: 0, max: 100, step: 1, default: 55 },
      { kind: 'number', name: 'rate_per_min', label: 'rate', unit: '/min', min: 1, max: 200, step: 1, default: 110 },
    ],
  },
  {
    name: 'shock',
    label: 'Shock',
    group: 'cpr',
    patient: true,
    casualty: false,
    params: [{ kind: 'number', name: 'energy_J', label: 'energy', unit: 'J', min: 1, max: 400, step: 1, default: 200 }],
  },
  { name: 'rhythm_check', label: 'Rhythm check', group: 'cpr', patient: true, casualty: false, params: [] },
  { name: 'pulse_check', label: 'Pulse check', group: 'cpr', patient: true, casualty: false, params: [] },
  {
    name: 'airway',
    label: 'Airway',
    group: 'airway',
    patient: true,
    casualty: false,
    params: [
      {
        kind: 'choice',
        name: 'state',
        label: 'airway',
        choices: [
          { value: 'open', label: 'open (head tilt)' },
          { value: 'bag_valve_mask', label: 'bag-valve-mask' },
          { value: 'intubated', label: 'intubate' },
        ],
        default: 'bag_valve_mask',
      },
    ],
  },
  {
    name: 'oxygen',
    label: 'Oxygen',
    group: 'airway',
    patient: true,
    casualty: false,
    params: [{ kind: 'number', name: 'fraction', label: 'FiO₂', min: 0.21, max: 1, step: 0.01, default: 1 }],
  },
  {
    name: 'ventilate',
    label: 'Ventilate',
    group: 'airway',
    patient: true,
    casualty: false,
    params: [
      { kind: 'number', name: 'rate_per_min', label: 'rate', unit: '/min', min: 0, max: 60, step: 1, default: 10 },
      { kind: 'number', name: 'tidal_volume_mL', label: 'volume', unit: 'mL', min: 0, max: 1500, step: 10, default: 500 },
    ],
  },
  {
    name: 'access',
    label: 'IV/IO access',
    group: 'circulation',
    patient: false,
    casualty: false,
    params: [
      {
        kind: 'choice',
        name: 'route',
        label: 'route',
        choices: [
          { value: 'iv', label: 'IV' },
          { value: 'io', label: 'IO' },
        ],
        default: 'iv',
      },
    ],
  },
  {
    name: 'give_drug',
    label: 'Give drug',
    group: 'circulation',
    patient: true,
    casualty: false,
    params: [
      { kind: 'choice', name: 'drug', label: 'drug', choices: choices('epinephrine', 'amiodarone', 'lidocaine'), default: 'epinephrine' },
      {
        kind: 'number',
        name: 'dose_mg',
        label: 'dose',
        unit: 'mg',
        min: 0,
        max: 1000,
        step: 0.1,
        default: 1,
        suggest: { from: 'drug', values: DRUG_DOSES_MG },
      },
    ],
  },
  {
    name: 'give_fluid',
    label: 'Give fluid',
    group: 'circulation',
    patient: true,
    casualty: false,
    params: [
      { kind: 'choice', name: 'fluid', label: 'fluid', choices: choices('crystalloid', 'blood'), default: 'crystalloid' },
      { kind: 'number', name: 'volume_mL', label: 'volume', unit: 'mL', min: 1, max: 5000, step: 50, default: 500 },
      { kind: 'number', name: 'rate_mL_per_min', label: 'rate', unit: 'mL/min', min: 1, max: 1000, step: 10, default: 200 },
    ],
  },
  {
    name: 'treat_cause',
    label: 'Treat cause',
    group: 'circulation',
    patient: false,
    casualty: false,
    params: [{ kind: 'choice', name: 'cause', label: 'cause', choices: choices(...HS_AND_TS) }],
  },
  { name: 'recognise_shock', label: 'Recognise shock', group: 'circulation', patient: false, casualty: false, params: [] },
  { name: 'pressure', label: 'Direct pressure', group: 'haemorrhage', patient: true, casualty: false, params: [site] },
  { name: 'tourniquet', label: 'Tourniquet', group: 'haemorrhage', patient: true, casualty: false, params: [site] },
  { name: 'pack_wound', label: 'Pack wound', group: 'haemorrhage', patient: true, casualty: false, params: [site] },
  { name: 'control_bleeding', label: 'Control bleeding', group: 'haemorrhage', patient: true, casualty: false, params: [site] },
  {
    name: 'tag',
    label: 'Tag',
    group: 'triage',
    patient: false,
    casualty: true,
    params: [
      casualty,
      { kind: 'choice', name: 'tag', label: 'tag', choices: choices(...TRIAGE_TAGS), default: 'immediate' },
    ],
  },
  { name: 'reposition_airway', label: 'Reposition airway', group: 'triage', patient: false, casualty: true, params: [casualty] },
];

export const KNOWN_ACTIONS: ReadonlyMap<string, ActionSpec> = new Map(SPECS.map((s) => [s.name, s]));

/** The spec of an action; an action this client does not know gets a free JSON params field. */
export function actionSpec(name: string): ActionSpec {
  return (
    KNOWN_ACTIONS.get(name) ?? {
      name,
      label: name.replace(/_/g, ' '),
      group: 'other',
      patient: false,
      casualty: false,
      params: [{ kind: 'json', name: 'params', label: 'params (JSON object)', optional: true }],
    }
  );
}

export interface ActionContext {
  /** The scenario's role names (empty when unknown: a free text field is offered). */
  roles: readonly string[];
  /** Casualty ids (null when unknown: a free text field is offered). */
  casualties: readonly string[] | null;
}

/**
 * The actions to offer, in the order of the specs above (unknown ones last):
 * the scenario's own list when known, else every known action. Patient
 * actions are left out of triage scenarios and casualty actions out of
 * single-patient ones, once it is known which the session is.
 */
export function offeredActions(scenarioActions: readonly string[] | null, kind: 'patient' | 'casualties' | null): ActionSpec[] {
  const names = scenarioActions === null || scenarioActions.length === 0 ? SPECS.map((s) => s.name) : scenarioActions;
  const known = SPECS.filter((s) => names.includes(s.name));
  const unknown = names.filter((n) => !KNOWN_ACTIONS.has(n)).map(actionSpec);
  return [...known, ...unknown].filter((spec) => {
    if (kind === 'casualties') return !spec.patient;
    if (kind === 'patient') return !spec.casualty;
    return true;
  });
}

/** The choices a choice parameter offers; null means "type it" (roles or casualties not known). */
export function choicesFor(param: ChoiceParam, context: ActionContext): Choice[] | null {
  if (param.choices === 'roles') {
    return context.roles.length === 0 ? null : context.roles.map((r) => ({ value: r, label: r.replace(/_/g, ' ') }));
  }
  if (param.choices === 'casualties') {
    return context.casualties === null || context.casualties.length === 0
      ? null
      : context.casualties.map((c) => ({ value: c, label: c }));
  }
  return [...param.choices];
}

/** The form's starting values. */
export function initialValues(spec: ActionSpec, context: ActionContext): Record<string, string> {
  const values: Record<string, string> = {};
  for (const param of spec.params) {
    switch (param.kind) {
      case 'choice': {
        const options = choicesFor(param, context);
        values[param.name] = param.default ?? options?.[0]?.value ?? '';
        break;
      }
      case 'number':
        values[param.name] = String(param.default);
        break;
      case 'boolean':
        values[param.name] = String(param.default);
        break;
      case 'text':
        values[param.name] = param.default;
        break;
      case 'json':
        values[param.name] = '';
        break;
    }
  }
  for (const param of spec.params) {
    if (param.kind === 'number' && param.suggest !== undefined) {
      const suggested = param.suggest.values[values[param.suggest.from] ?? ''];
      if (suggested !== undefined) values[param.name] = String(suggested);
    }
  }
  return values;
}

/**
 * Values to change after `changed` was edited: a dose follows its drug.
 * Returns the parameters to overwrite (empty when nothing follows).
 */
export function followValues(spec: ActionSpec, changed: string, values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const param of spec.params) {
    if (param.kind === 'number' && param.suggest?.from === changed) {
      const suggested = param.suggest.values[values[changed] ?? ''];
      if (suggested !== undefined) out[param.name] = String(suggested);
    }
  }
  return out;
}

export type BuiltAction = { ok: true; request: ActionRequest } | { ok: false; error: string };

/** Turns form values into an ACTION request, or says which value is wrong. */
export function buildAction(spec: ActionSpec, values: Readonly<Record<string, string>>, context: ActionContext): BuiltAction {
  const params: JsonObject = {};
  for (const param of spec.params) {
    const raw = (values[param.name] ?? '').trim();
    if (raw === '') {
      if (param.optional === true || param.kind === 'json') continue;
      const missing = param.kind === 'choice' ? `choose a ${param.label}` : `${param.label} is required`;
      return { ok: false, error: `${spec.label}: ${missing}` };
    }
    switch (param.kind) {
      case 'choice': {
        const options = choicesFor(param, context);
        if (options !== null && !options.some((o) => o.value === raw)) {
          return { ok: false, error: `${spec.label}: ${raw} is not a ${param.label} here` };
        }
        params[param.name] = raw;
        break;
      }
      case 'number': {
        const value = Number(raw);
        if (!Number.isFinite(value)) return { ok: false, error: `${spec.label}: ${param.label} must be a number` };
        if (value < param.min || value > param.max) {
          const unit = param.unit === undefined ? '' : ` ${param.unit}`;
          return { ok: false, error: `${spec.label}: ${param.label} must be between ${param.min} and ${param.max}${unit}` };
        }
        params[param.name] = value;
        break;
      }
      case 'boolean':
        if (raw !== 'true' && raw !== 'false') return { ok: false, error: `${spec.label}: ${param.label} must be true or false` };
        params[param.name] = raw === 'true';
        break;
      case 'text':
        if (raw.length > param.maxLength) {
          return { ok: false, error: `${spec.label}: ${param.label} is longer than ${param.maxLength} characters` };
        }
        params[param.name] = raw;
        break;
      case 'json': {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw) as unknown;
        } catch {
          return { ok: false, error: `${spec.label}: params must be a JSON object, e.g. {"key": "value"}` };
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return { ok: false, error: `${spec.label}: params must be a JSON object` };
        }
        Object.assign(params, parsed);
        break;
      }
    }
  }
  // compressions off takes no depth or rate.
  if (spec.name === 'compressions' && params['on'] === false) {
    return { ok: true, request: { name: spec.name, params: { on: false } } };
  }
  return { ok: true, request: { name: spec.name, params } };
}

/** One line for the feed: "give drug epinephrine 1 mg". */
export function describeAction(name: string, params: Readonly<Record<string, unknown>> | undefined): string {
  const p = params ?? {};
  const text = (key: string): string => (typeof p[key] === 'string' || typeof p[key] === 'number' ? String(p[key]).replace(/_/g, ' ') : '');
  const join = (...parts: string[]): string => parts.filter((x) => x !== '').join(' ');
  switch (name) {
    case 'assign_role':
      return join('takes role', text('role'));
    case 'compressions':
      if (p['on'] === false) return 'stops compressions';
      return join('starts compressions', p['depth_mm'] !== undefined ? `${text('depth_mm')} mm` : '', p['rate_per_min'] !== undefined ? `${text('rate_per_min')}/min` : '');
    case 'shock':
      return join('shocks', p['energy_J'] !== undefined ? `${text('energy_J')} J` : '');
    case 'rhythm_check':
      return 'checks the rhythm';
    case 'pulse_check':
      return 'checks for a pulse';
    case 'give_drug':
      return join('gives', text('drug'), p['dose_mg'] !== undefined ? `${text('dose_mg')} mg` : '');
    case 'give_fluid':
      return join('gives', p['volume_mL'] !== undefined ? `${text('volume_mL')} mL` : '', text('fluid'), p['rate_mL_per_min'] !== undefined ? `at ${text('rate_mL_per_min')} mL/min` : '');
    case 'access':
      return join('obtains', text('route').toUpperCase(), 'access');
    case 'airway':
      return join('airway:', text('state'));
    case 'oxygen':
      return join('oxygen, FiO₂', text('fraction'));
    case 'ventilate':
      return join('ventilates', p['rate_per_min'] !== undefined ? `${text('rate_per_min')}/min` : '', p['tidal_volume_mL'] !== undefined ? `${text('tidal_volume_mL')} mL` : '');
    case 'treat_cause':
      return join('treats', text('cause'));
    case 'recognise_shock':
      return 'recognises shock';
    case 'pressure':
      return join('applies pressure', text('site') === '' ? '' : `to ${text('site')}`);
    case 'tourniquet':
      return join('applies a tourniquet', text('site') === '' ? '' : `to ${text('site')}`);
    case 'pack_wound':
      return join('packs the wound', text('site') === '' ? '' : `(${text('site')})`);
    case 'control_bleeding':
      return join('controls bleeding', text('site') === '' ? '' : `(${text('site')})`);
    case 'tag':
      return join('tags', text('patient'), text('tag'));
    case 'reposition_airway':
      return join('repositions the airway of', text('patient'));
    default: {
      const rest = Object.entries(p)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      return join(name.replace(/_/g, ' '), rest);
    }
  }
}
