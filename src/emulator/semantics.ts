// Switches for the behaviours of Customer Profiles that no public source settles (issue 13):
// each open point can be answered either way, so a client can be tested against both. The first
// value of each switch is the default, which is the emulator's behaviour before the switch
// existed. docs/aws-behaviour.md says what each point is and why the default is what it is.

export const SWITCHES = {
  /** reject: a FlowDefinition whose flow already exists fails (AWS calls AppFlow CreateFlow on every Put). */
  'flow-resend': ['accept', 'reject'],
  /** merge: optional members omitted from a Put (PutIntegration, PutProfileObjectType) keep their old value instead of being cleared. */
  'put-omitted': ['replace', 'merge'],
  /** keep: DeleteIntegration (and DeleteDomain) leave the AppFlow flow behind. */
  'delete-flow': ['delete', 'keep'],
  /** never: responses carry no WorkflowId. */
  'workflow-id': ['always', 'never'],
  /** bumps: the next read after a Put of a flow-based integration shows a later LastUpdatedAt, once. */
  'last-updated-after-put': ['stable', 'bumps'],
  /** on: ObjectTypeName and ObjectTypeNames values must name object types of the domain. */
  'object-type-check': ['off', 'on'],
  /** reject: a scheduled trigger whose ScheduleStartTime is in the past is refused. */
  'past-start-time': ['accept', 'reject'],
  /** merge: Tags sent to UpdateDomain, or to PutProfileObjectType of an existing type, are merged in (else ignored). */
  'update-tags': ['ignore', 'merge'],
  /** refuse: DeleteProfileObjectType of a type an integration names fails (else the type goes, the integration stays). */
  'object-type-in-use': ['allow', 'refuse'],
  /** reject: PutProfileObjectType with a TemplateId and any of the members the template sets fails (else the template's values win). */
  'template-members': ['use-template', 'reject'],
} as const;

export type SwitchName = keyof typeof SWITCHES;
export type Semantics = { -readonly [K in SwitchName]: (typeof SWITCHES)[K][number] };

export const SWITCH_NAMES = Object.keys(SWITCHES) as SwitchName[];

export const defaultSemantics = (): Semantics =>
  Object.fromEntries(SWITCH_NAMES.map((name) => [name, SWITCHES[name][0]])) as Semantics;

/** Why NAME=VALUE is not a switch setting, naming the switch and its allowed values; undefined when it is. */
export function semanticsProblem(name: string, value: unknown): string | undefined {
  if (!Object.hasOwn(SWITCHES, name)) return `unknown switch "${name}"; the switches are ${SWITCH_NAMES.join(', ')}`;
  const allowed: readonly string[] = SWITCHES[name as SwitchName];
  if (typeof value !== 'string' || !allowed.includes(value)) {
    return `${name} must be ${allowed.join(' or ')}, not ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** Checks a partial setting (from the admin API or the flags); throws an Error with every problem. */
export function checkSemantics(value: Record<string, unknown>): Partial<Semantics> {
  const problems = Object.entries(value).flatMap(([k, v]) => semanticsProblem(k, v) ?? []);
  if (problems.length) throw new Error(problems.join('; '));
  return value as Partial<Semantics>;
}

/** The switches that differ from their default, as NAME=VALUE (for a startup line). */
export function describeNonDefault(s: Semantics): string[] {
  const d = defaultSemantics();
  return SWITCH_NAMES.filter((k) => s[k] !== d[k]).map((k) => `${k}=${s[k]}`);
}
