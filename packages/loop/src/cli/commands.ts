/** One command-line flag of a command. */
export interface FlagSpec {
  name: string;
  /** `number`: a finite decimal ≥ 0; `integer`: a whole number ≥ 1; both parsed strictly (no hex, no ""). */
  type: 'string' | 'boolean' | 'number' | 'integer';
  short?: string;
  /** May be given several times (values collected in order). */
  repeatable?: boolean;
  /** Placeholder of the value in help, e.g. `<dir>`. */
  value?: string;
  description: string;
}

/** One `impact` command: what it takes, what it does, and examples for its `--help`. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** The positional argument (exactly one). */
  argument: { name: string; description: string };
  flags: FlagSpec[];
  examples: string[];
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'json', type: 'boolean', description: 'print machine-readable JSON on stdout instead of tables' },
  {
    name: 'plugin',
    type: 'string',
    repeatable: true,
    value: '<module>',
    description: 'import a module registering models, sources, rules… first (repeatable)',
  },
  {
    name: 'help',
    type: 'boolean',
    short: 'h',
    description: 'show help (for a command: its options and examples)',
  },
  {
    name: 'version',
    type: 'boolean',
    short: 'V',
    description: 'print the version of impact and its packages',
  },
];

const OUT_FILE: FlagSpec = {
  name: 'out',
  type: 'string',
  value: '<file>',
  description: 'also write the JSON result to this file',
};

/** The `impact` commands. */
export const COMMANDS: CommandSpec[] = [
  {
    name: 'run',
    summary: 'run the whole loop: pilot → measure → review → allocate → scale → report',
    argument: { name: '<pipeline.yaml>', description: 'the pipeline configuration' },
    flags: [
      {
        name: 'out',
        type: 'string',
        value: '<dir>',
        description: 'output folder (outcome.{json,md,html}, run.json, history.json, artifacts/)',
      },
      {
        name: 'cycles',
        type: 'integer',
        value: '<n>',
        description: 'number of cycles (overrides cycles:); n > 1 adds cycle-<k>/ and cycles.*',
      },
      {
        name: 'history',
        type: 'string',
        value: '<history.json>',
        description: 'history of earlier cycles to continue (overrides history:)',
      },
      { name: 'quiet', type: 'boolean', description: 'no progress display on stderr' },
    ],
    examples: [
      'impact run examples/retail-five-initiatives/pipeline.yaml --out results',
      'impact run pipeline.yaml --out results --cycles 4',
      'impact run pipeline.yaml --out next --history results/history.json --json > outcome.json',
    ],
  },
  {
    name: 'simulate',
    summary: 'simulate a retail panel (products, metrics, ground truth, config)',
    argument: { name: '<simulation.yaml>', description: 'the simulation configuration' },
    flags: [
      { name: 'out', type: 'string', value: '<dir>', description: 'output folder (required)' },
      { name: 'format', type: 'string', value: '<csv|jsonl>', description: 'table format (default csv)' },
    ],
    examples: ['impact simulate examples/simulate-basic/config.yaml --out world'],
  },
  {
    name: 'measure',
    summary: 'measure one initiative and print its estimate, SE, CI, lift and checks',
    argument: { name: '<measure.yaml>', description: 'the measurement configuration' },
    flags: [
      {
        name: 'out',
        type: 'string',
        value: '<dir>',
        description: 'write the artifacts (result, details, plot-*.svg) under this folder',
      },
    ],
    examples: ['impact measure measure.yaml', 'impact measure measure.yaml --out artifacts --json'],
  },
  {
    name: 'review',
    summary: 'review measurements {measurement, cost, valuation}; prints confidence and scenarios',
    argument: { name: '<inputs.json>', description: 'one ReviewInput or a list of them (JSON)' },
    flags: [
      { name: 'config', type: 'string', value: '<review.yaml>', description: 'reviewer configuration' },
      OUT_FILE,
    ],
    examples: [
      'impact review inputs.json',
      'impact review inputs.json --config review.yaml --out reviews.json',
    ],
  },
  {
    name: 'allocate',
    summary: 'allocate a budget over ReviewResults; prints the portfolio',
    argument: { name: '<reviews.json>', description: 'a JSON list of ReviewResults' },
    flags: [
      {
        name: 'budget',
        type: 'number',
        value: '<n>',
        description: 'total budget (overrides budget: in --config)',
      },
      {
        name: 'config',
        type: 'string',
        value: '<allocate.yaml>',
        description: 'allocation configuration (rule, solver, …); budget: optional with --budget',
      },
      OUT_FILE,
    ],
    examples: [
      'impact allocate reviews.json --budget 60000',
      'impact allocate reviews.json --config allocate.yaml --budget 60000 --out allocation.json',
    ],
  },
];

function flagLine(flag: FlagSpec): string {
  const names = `${flag.short ? `-${flag.short}, ` : '    '}--${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
  return `  ${names.padEnd(28)} ${flag.description}`;
}

/** The `impact --help` text. */
export function globalHelp(): string {
  return [
    'Usage: impact <command> <file> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`),
    '',
    'Options for every command:',
    ...GLOBAL_FLAGS.map(flagLine),
    '',
    'Run `impact <command> --help` for its options and examples.',
    '',
    EXIT_CODE_HELP,
  ].join('\n');
}

/** The `impact <command> --help` text. */
export function commandHelp(command: CommandSpec): string {
  return [
    `Usage: impact ${command.name} ${command.argument.name} [options]`,
    '',
    `${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`,
    '',
    'Arguments:',
    `  ${command.argument.name.padEnd(28)} ${command.argument.description}`,
    '',
    'Options:',
    ...command.flags.map(flagLine),
    ...GLOBAL_FLAGS.map(flagLine),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
    EXIT_CODE_HELP,
  ].join('\n');
}

/** The exit codes, as help prints them. */
export const EXIT_CODE_HELP = [
  'Exit codes: 0 ok; 1 some initiatives failed; 2 invalid configuration, data, input or usage',
  '(the message names it); 3 internal error (a bug: please report it); 4 infrastructure failure',
  '(disk full, I/O, memory).',
].join('\n');
