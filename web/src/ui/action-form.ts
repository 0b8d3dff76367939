import type { ActionRequest, JsonObject } from '../protocol';
import type { ServedActionSpec, ServedParamSpec } from '../api/types';

// Action forms built from the specs a module serves (GET /api/scenarios,
// `action_specs`; src/modules/action_params.cpp writes them): parameters with
// types, units, ranges, defaults and choices. Values come from form fields as
// strings and are checked here, as the server checks them, before anything
// is sent. Shared by every module's panel.

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

export interface ActionSpec {
  name: string;
  label: string;
  /** The module's group, e.g. `cpr`; `other` when it names none. */
  group: string;
  params: readonly ParamSpec[];
  /** `patient` (a single patient), `casualties` (a triage scenario) or ''. */
  needs: string;
}

const words = (name: string): string => name.replace(/_/g, ' ');

/** A served parameter as a form field. */
export function paramFromServed(p: ServedParamSpec): ParamSpec {
  const label = p.label ?? words(p.name);
  const optional = p.required === false;
  if (p.type === 'number') {
    const min = p.min ?? -Number.MAX_VALUE;
    const max = p.max ?? Number.MAX_VALUE;
    const fallback = typeof p.default === 'number' ? p.default : Math.max(min, Math.min(max, 0));
    const param: NumberParam = { kind: 'number', name: p.name, label, min, max, step: p.step ?? 1, default: fallback, optional };
    if (p.unit !== undefined) param.unit = p.unit;
    if (p.suggest !== undefined) param.suggest = p.suggest;
    return param;
  }
  if (p.type === 'boolean') {
    // Booleans' labels are those of true and false.
    const [trueLabel, falseLabel] = p.choice_labels ?? ['yes', 'no'];
    return { kind: 'boolean', name: p.name, label, trueLabel: trueLabel ?? 'yes', falseLabel: falseLabel ?? 'no', default: p.default === true, optional };
  }
  if (p.choices_from === 'roles' || p.choices_from === 'casualties') {
    return { kind: 'choice', name: p.name, label, choices: p.choices_from, optional };
  }
  if (p.type === 'enumeration') {
    const choices = (p.choices ?? []).map((value, i) => ({ value, label: p.choice_labels?.[i] ?? words(value) }));
    const param: ChoiceParam = { kind: 'choice', name: p.name, label, choices, optional };
    if (typeof p.default === 'string') param.default = p.default;
    return param;
  }
  // Free text; an optional one starts empty (the module applies its default).
  const param: TextParam = { kind: 'text', name: p.name, label, default: optional ? '' : typeof p.default === 'string' ? p.default : '', optional, maxLength: 64 };
  if (p.choices !== undefined) param.suggestions = p.choices;
  return param;
}

export function actionFromServed(s: ServedActionSpec): ActionSpec {
  return { name: s.name, label: s.label ?? words(s.name), group: s.group ?? 'other', needs: s.needs ?? '', params: (s.params ?? []).map(paramFromServed) };
}

/** An action the served specs do not describe: a free JSON params field. */
export function unknownAction(name: string): ActionSpec {
  return { name, label: words(name), group: 'other', needs: '', params: [{ kind: 'json', name: 'params', label: 'params (JSON object)', optional: true }] };
}

/**
 * The actions to offer, in the served order: actions that need a single
 * patient are left out of triage scenarios and casualty actions out of
 * single-patient ones, once it is known which the session is.
 */
export function offeredActions(specs: readonly ActionSpec[], kind: 'patient' | 'casualties' | null): ActionSpec[] {
  return specs.filter((spec) => {
    if (kind === 'casualties') return spec.needs !== 'patient';
    if (kind === 'patient') return spec.needs !== 'casualties';
    return true;
  });
}

export interface ActionContext {
  /** The scenario's role names (empty when unknown: a free text field is offered). */
  roles: readonly string[];
  /** Casualty ids (null when unknown: a free text field is offered). */
  casualties: readonly string[] | null;
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
  // An action switched off (`on: false`, e.g. compressions) takes no other parameter.
  if (params['on'] === false && spec.params[0]?.name === 'on') {
    return { ok: true, request: { name: spec.name, params: { on: false } } };
  }
  return { ok: true, request: { name: spec.name, params } };
}

