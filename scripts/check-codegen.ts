/**
 * Fails (exit 1) when a committed generated file differs from what `npm run codegen` would write now,
 * e.g. after a change to schema/flags.graphql without regenerating. Generates in memory: writes nothing.
 * (If codegen.ts ever gains formatting hooks, apply them here too: hooks run only when files are written.)
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.js';

interface Output {
  filename: string;
  content: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));

async function committed(filename: string): Promise<string | undefined> {
  try {
    return await readFile(resolve(root, filename), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

// `generate` is typed `any` (it may watch); without saving it resolves to the outputs.
const outputs: Output[] = await generate({ ...config, cwd: root, silent: true }, false);
if (outputs.length === 0) {
  console.error('codegen produced no outputs: check codegen.ts');
  process.exit(1);
}
const stale: string[] = [];
for (const { filename, content } of outputs) {
  if ((await committed(filename)) !== content) stale.push(filename);
}
if (stale.length > 0) {
  console.error(
    `Generated files are out of date: ${stale.join(', ')}.\nRun \`npm run codegen\` and commit the result.`,
  );
  process.exit(1);
}
process.stdout.write(`Generated files are up to date: ${outputs.map((o) => o.filename).join(', ')}\n`);
