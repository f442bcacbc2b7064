import { parseArgs } from 'node:util';

export interface DemoOptions {
  url: string;
  token: string | undefined;
  /** Change a flag every few seconds (the seed's four and the rollout's, in turn) so something visibly happens. */
  drive: boolean;
  driveEveryMs: number;
  pollIntervalMs: number;
  /** Stop by itself after this many seconds (0: run until Ctrl-C). */
  durationSeconds: number;
  color: boolean;
}

const HELP = `npm run demo -- [options]

  --url <url>             the service (default: FLAGWIRE_URL or http://localhost:3000); when nothing
                          answers there, the demo starts an embedded service on that port
  --token <token>         bearer token (default: FLAGWIRE_TOKEN); an admin token lets --drive write
  --drive                 change a flag every few seconds, in turn: one of the seed's four, then the
                          next step of the rollout (checkout.new-flow 0 -> 10 -> 50 -> 100%, then a
                          targeting rule, and again)
  --drive-every <ms>      interval of --drive changes (default 3000)
  --poll-interval <ms>    the polling client's interval (default 5000, as in the seed)
  --duration <s>          stop after this many seconds (default: run until Ctrl-C)
  --no-color              plain output
`;

export function parseDemoOptions(argv: string[], env: NodeJS.ProcessEnv): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      drive: { type: 'boolean', default: false },
      'drive-every': { type: 'string', default: '3000' },
      'poll-interval': { type: 'string', default: '5000' },
      duration: { type: 'string', default: '0' },
      'no-color': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const number = (name: string, value: string, min: number) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min) throw new Error(`--${name} must be a number >= ${min}`);
    return parsed;
  };
  return {
    url: (values.url ?? env.FLAGWIRE_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
    token: values.token ?? env.FLAGWIRE_TOKEN ?? undefined,
    drive: values.drive,
    driveEveryMs: number('drive-every', values['drive-every'], 100),
    pollIntervalMs: number('poll-interval', values['poll-interval'], 100),
    durationSeconds: number('duration', values.duration, 0),
    color: !values['no-color'] && process.stdout.isTTY === true && env.NO_COLOR === undefined,
  };
}
