/** Labelled, aligned, optionally coloured lines: one per thing a demo client saw. */
export interface Output {
  line(label: string, text: string): void;
}

const COLORS: Record<string, number> = {
  POLL: 33,
  SSE: 32,
  'BETA-SSE': 35,
  GRAPHQL: 36,
  ROLLOUT: 94,
  DRIVER: 90,
  DEMO: 1,
};

export function createOutput(color: boolean): Output {
  const width = Math.max(...Object.keys(COLORS).map((k) => k.length));
  return {
    line(label, text) {
      const time = new Date().toISOString().slice(11, 23);
      const tag = label.padEnd(width);
      const shown = color ? `\x1b[${COLORS[label] ?? 0}m${tag}\x1b[0m` : tag;
      process.stdout.write(`${time} ${shown}  ${text}\n`);
    },
  };
}
