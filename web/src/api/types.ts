// JSON shapes of docs/api.md.

export type Role = 'trainee' | 'instructor' | 'clinician' | 'patient' | 'admin';

export interface User {
  id: string | number;
  username: string;
  display_name?: string | null;
  role: Role;
  disabled: boolean;
  must_change_password: boolean;
  created_at: string;
}

export interface LoginResult {
  token: string;
  expires_at: string;
  user: User;
}

export type SessionStatus = 'running' | 'ended' | 'ended_abnormally';

export interface Session {
  id: string | number;
  title: string;
  kind: string;
  /** `practice` (the default) or `assessed`. */
  mode?: 'practice' | 'assessed';
  status: SessionStatus;
  created_by: string | number;
  /** Null for trainees while an assessed session runs. */
  seed: number | string | null;
  created_at: string;
  ended_at: string | null;
  /** The caller's session role (driver, participant, instructor, observer ...). */
  my_role?: string;
}

/** A session's member (docs/security.md, "Session roles"). */
export interface SessionMember {
  user_id: string;
  username: string;
  display_name: string;
  role: string;
  team_role: string;
  driver: boolean;
  added_at: string;
}

/** An invite code: shown once, used `max_uses` times at most before `expires_at`. */
export interface SessionInvite {
  code: string;
  session_id: string;
  role: string;
  max_uses: number;
  expires_at: string;
}

export interface JoinResult {
  websocket: string;
}

export interface ScenarioVariant {
  name: string;
  title?: string;
  description?: string;
}

export interface ScenarioRole {
  name: string;
  description?: string;
  min?: number;
  max?: number;
}

export interface ScenarioCue {
  name: string;
  description?: string;
}

/** A parameter of a module's action as the server declares it (src/modules/action_params.cpp). */
export interface ServedParamSpec {
  name: string;
  label?: string;
  type: 'number' | 'string' | 'boolean' | 'enumeration';
  required?: boolean;
  min?: number;
  max?: number;
  step?: number;
  unit?: string;
  /** Enumerations: the values; strings: suggestions. */
  choices?: string[];
  /** A label per choice; for booleans, the labels of true and false. */
  choice_labels?: string[];
  /** The session supplies the choices: the scenario's roles or a triage scenario's casualties. */
  choices_from?: 'roles' | 'casualties';
  /** What the module uses when the parameter is left out. */
  default?: number | string | boolean;
  /** A number whose usual value follows another parameter (a drug's dose). */
  suggest?: { from: string; values: Record<string, number> };
}

export interface ServedActionSpec {
  name: string;
  label?: string;
  group?: string;
  /** `patient`, `casualties` or ''. */
  needs?: string;
  params?: ServedParamSpec[];
}

export interface MetricSpec {
  name: string;
  unit: string;
  label: string;
}

/** One entry of GET /api/scenarios. */
export interface Scenario {
  /** The session kind that runs it, e.g. `emergency/acls-vf`. */
  kind: string;
  module: string;
  id: string;
  title: string;
  description?: string;
  variants: ScenarioVariant[];
  roles: ScenarioRole[];
  cues: ScenarioCue[];
  /** Names of the team actions its module takes. */
  actions: string[];
  /** Those actions' specs, from which forms are built. */
  actionSpecs: ServedActionSpec[];
  /** What the module measures, with units. */
  metrics: MetricSpec[];
  /** `assessed` (score and pass mark) or `measured` (outcomes only). */
  judgement?: string;
}

/** A client input stream a module reads, with its rate. */
export interface ModuleInput {
  name: string;
  rateHz: number;
  description: string;
}

/** One entry of GET /api/modules (docs/modules.md, "The descriptor"). */
export interface ServedModule {
  id: string;
  title: string;
  description: string;
  /** `assessed` (score and pass mark) or `measured` (outcomes only). */
  judgement: string;
  /** Sessions of kind `<id>` run without a scenario (the sandbox). */
  openRoom: boolean;
  /** `report`, `xapi`, `fhir`. */
  projections: string[];
  inputs: ModuleInput[];
  /** The participants' actions, with the specs forms are built from. */
  actions: ServedActionSpec[];
  metrics: MetricSpec[];
  /** Event types whose latest instance a member who joins late receives first. */
  lateJoinerEvents: string[];
}

export interface NewSession {
  title: string;
  /** An open room's module id (`sandbox`) or a scenario's kind. */
  kind?: string;
  variant?: string;
}

/** A session event as the REST API lists it (GET /api/sessions/{id}/events). */
export interface StoredEvent {
  seq: number;
  tick: number;
  wall_time?: string;
  type: string;
  payload: Record<string, unknown>;
}
