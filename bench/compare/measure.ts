// evaluator-comparison's child (installed on demand in bench/compare/): the same flag, 5 rules and a
// rollout, evaluated by @flagwire/core, @openfeature/flagd-core and unleash-client (offline), beside a bare
// Map lookup, one after the other in each round, in this one process on one thread. Every engine's answers
// are checked against Flagwire's first. argv[2]: JSON ComparisonOptions; prints one JSON line
// (ComparisonResult).
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { FlagdCore } from '@openfeature/flagd-core';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import {
  type EvaluationContext,
  evaluate,
  type JsonValue,
  type Serve,
} from '../../packages/core/src/index.js';
import {
  type Agreement,
  type ComparisonOptions,
  type ComparisonResult,
  ENGINES,
  type EngineId,
} from '../loadgen/comparison-protocol.js';
import { contexts, FLAG, SEGMENTS } from '../loadgen/evaluation-flag.js';
import { BATCH, type Run, timed } from '../loadgen/timing.js';
import { FLAGD_FLAG_KEY, flagdConfiguration, flagdContext } from './flagd-flag.js';
import { UNLEASH_FLAG_KEY, unleashContext, unleashFeatures } from './unleash-flag.js';

/** Contexts whose answers are compared before timing (the timed pool is the first 4,096 of them). */
const CHECKED_CONTEXTS = 20_000;
const POOL = 4096;

const flagwireOptions = { defaultValue: 'default', expectedType: 'string' as const, segments: SEGMENTS };
const flagwireVariant = (context: EvaluationContext) =>
  evaluate(FLAG, 'production', context, flagwireOptions).variant;

async function startUnleash(tagLayers = false): Promise<Unleash> {
  const features = unleashFeatures(tagLayers);
  const unleash = new Unleash({
    appName: 'flagwire-bench',
    // Offline: never fetched (refreshInterval 0), metrics off; the flag comes from the bootstrap data.
    url: 'http://127.0.0.1:9/unused',
    refreshInterval: 0,
    disableMetrics: true,
    bootstrap: { data: features.features, segments: features.segments ?? [] },
    storageProvider: new InMemStorageProvider(),
  });
  await once(unleash, 'ready');
  return unleash;
}

function startFlagd(): FlagdCore {
  const flagd = new FlagdCore();
  flagd.setConfigurations(flagdConfiguration());
  return flagd;
}

/** The share of `treatment` a split promises (by its weights): the fallthrough's or a rule's, by its id. */
function treatmentWeightShare(layer: string): number {
  const environment = FLAG.environments.production;
  const serve: Serve | undefined =
    layer === 'fallthrough'
      ? environment?.fallthrough
      : environment?.rules.find((rule) => rule.id === layer)?.serve;
  if (serve === undefined || !('rollout' in serve)) throw new Error(`no split named ${layer}`);
  const weights = serve.rollout.weights;
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  return (weights.find((w) => w.variant === 'treatment')?.weight ?? 0) / total;
}

/**
 * Checks flagd-core and Unleash against Flagwire over `sample`; throws on the first disagreement. flagd-core
 * must serve the very same variant. Unleash must decide by the strategy standing for the same rule (`tagged`,
 * the flag's twin whose payloads name it, must also serve the variant `unleash` serves), serve the same
 * variant outside splits, and in each split serve treatment to a share within 4 standard errors (at least
 * 1 point) of the split's weight.
 */
function checkAgreement(
  sample: EvaluationContext[],
  flagd: FlagdCore,
  unleash: Unleash,
  tagged: Unleash,
): Agreement {
  const agreement: Agreement = {
    contexts: sample.length,
    flagdSameVariant: 0,
    unleashSameLayer: 0,
    unleashSameFixedVariant: 0,
    splits: {},
  };
  const tally: Record<string, { contexts: number; flagwire: number; unleash: number }> = {};
  for (const context of sample) {
    const ours = evaluate(FLAG, 'production', context, flagwireOptions);
    const theirs = flagd.resolveStringEvaluation(FLAGD_FLAG_KEY, 'default', flagdContext(context));
    if (ours.errorCode || theirs.variant !== ours.variant || theirs.value !== ours.value)
      throw new Error(
        `flagd-core disagrees for ${JSON.stringify(context)}: ${theirs.variant} (${theirs.reason}) vs Flagwire ${ours.variant} (${ours.reason})`,
      );
    agreement.flagdSameVariant++;
    const unleashVariant = unleash.getVariant(UNLEASH_FLAG_KEY, unleashContext(context));
    const twin = tagged.getVariant(UNLEASH_FLAG_KEY, unleashContext(context));
    const decision = ours.decision;
    const layer =
      decision?.kind === 'rule' ? (decision.id ?? `rule ${decision.index}`) : (decision?.kind ?? 'none');
    const unleashLayer = twin.payload?.value.split(':')[0];
    if (twin.name !== unleashVariant.name || unleashLayer !== layer)
      throw new Error(
        `unleash-client decided by ${unleashLayer} (${twin.name}; untagged: ${unleashVariant.name}) for ${JSON.stringify(context)}, Flagwire by ${layer}`,
      );
    agreement.unleashSameLayer++;
    const split = decision && 'rollout' in decision && decision.rollout !== undefined;
    if (!split) {
      if (unleashVariant.name !== ours.variant || unleashVariant.payload?.value !== ours.value)
        throw new Error(
          `unleash-client disagrees for ${JSON.stringify(context)}: ${unleashVariant.name} vs Flagwire ${ours.variant}`,
        );
      agreement.unleashSameFixedVariant++;
      continue;
    }
    if (unleashVariant.name !== 'treatment' && unleashVariant.name !== 'control')
      throw new Error(
        `unleash-client served ${unleashVariant.name} in a split for ${JSON.stringify(context)}`,
      );
    const counts = tally[layer] ?? { contexts: 0, flagwire: 0, unleash: 0 };
    tally[layer] = counts;
    counts.contexts++;
    if (ours.variant === 'treatment') counts.flagwire++;
    if (unleashVariant.name === 'treatment') counts.unleash++;
  }
  for (const [layer, counts] of Object.entries(tally)) {
    const weightShare = treatmentWeightShare(layer);
    const unleashShare = counts.unleash / counts.contexts;
    const tolerance = Math.max(0.01, 4 * Math.sqrt((weightShare * (1 - weightShare)) / counts.contexts));
    if (Math.abs(unleashShare - weightShare) > tolerance)
      throw new Error(
        `unleash-client's split ${layer} serves treatment to ${(unleashShare * 100).toFixed(1)}% of ${counts.contexts} contexts, not ~${weightShare * 100}%`,
      );
    agreement.splits[layer] = {
      contexts: counts.contexts,
      weightShare,
      flagwireShare: counts.flagwire / counts.contexts,
      unleashShare,
    };
  }
  return agreement;
}

function installedVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
  return Object.fromEntries(
    ['@openfeature/flagd-core', 'unleash-client'].map((name) => [name, versionOf(name)]),
  );
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ComparisonOptions;
  const flagd = startFlagd();
  const unleash = await startUnleash();
  const tagged = await startUnleash(true);
  const sample = contexts(CHECKED_CONTEXTS);
  const agreement = checkAgreement(sample, flagd, unleash, tagged);
  tagged.destroy();

  // Each engine gets the contexts in its own shape, built before timing (as Flagwire's are).
  const pool = sample.slice(0, POOL);
  const flagdPool = pool.map(flagdContext);
  const unleashPool = pool.map(unleashContext);
  const mask = POOL - 1;
  const flagKeys = Array.from({ length: POOL }, (_, i) => `flag-${i}`);
  const bare = new Map<string, JsonValue>(flagKeys.map((key, i) => [key, i % 2 === 0]));
  const batches: Record<EngineId, (offset: number) => number> = {
    map: (offset) => {
      let hits = 0;
      for (let i = 0; i < BATCH; i++) if (bare.get(flagKeys[(offset + i) & mask] as string) === true) hits++;
      return hits;
    },
    flagwire: (offset) => {
      let hits = 0;
      for (let i = 0; i < BATCH; i++)
        if (flagwireVariant(pool[(offset + i) & mask] as EvaluationContext) === 'treatment') hits++;
      return hits;
    },
    flagd: (offset) => {
      let hits = 0;
      for (let i = 0; i < BATCH; i++)
        if (
          flagd.resolveStringEvaluation(FLAGD_FLAG_KEY, 'default', flagdPool[(offset + i) & mask]).variant ===
          'treatment'
        )
          hits++;
      return hits;
    },
    unleash: (offset) => {
      let hits = 0;
      for (let i = 0; i < BATCH; i++)
        if (unleash.getVariant(UNLEASH_FLAG_KEY, unleashPool[(offset + i) & mask]).name === 'treatment')
          hits++;
      return hits;
    },
  };

  // Warm every engine up (JIT) before timing.
  for (const engine of ENGINES) timed(Math.min(0.3, options.seconds), batches[engine]);
  const runs = Object.fromEntries(ENGINES.map((engine) => [engine, [] as Run[]])) as Record<EngineId, Run[]>;
  for (let round = 0; round < options.rounds; round++)
    for (const engine of ENGINES) runs[engine].push(timed(options.seconds, batches[engine]));
  unleash.destroy();
  const result: ComparisonResult = { runs, versions: installedVersions(), agreement };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
