import type { FlagClient } from '@flagwire/client';
import type { Output } from '../output.js';
import { CONTROL, ROLLOUT_FLAG, TREATMENT } from './definition.js';
import { RolloutHistory, type RoundSummary } from './history.js';
import { simulatedUsers } from './population.js';
import { rolloutShape } from './share.js';

export const PANEL_LABEL = 'ROLLOUT';
/** What a user is answered when the flag cannot be evaluated (shown as `(default)`). */
const DEFAULT_VALUE = 'none';
/** How many flipped-back users a round prints the history of (enough to see why, not a flood). */
const SHOWN_FLIP_BACKS = 3;

/**
 * The rollout panel: each time `client` (which should stream `checkout.new-flow`) receives the flag,
 * it evaluates it locally for a thousand simulated users, the way an application server would, and
 * prints the count per variant, how many users changed variant, and the flip-backs (users sent back to
 * control while the treatment's share only grew: always 0 for a correct rollout). One line a change:
 *
 *   rollout 10% (no rules): control 902, treatment 98, preview 0, off 0 — 98 changed, flip-backs 0
 */
export function startRolloutPanel(
  client: FlagClient,
  out: Output,
  environment = 'production',
): { summary(): void } {
  const users = simulatedUsers();
  const history = new RolloutHistory(
    users.map((user) => user.targetingKey as string),
    { treatment: TREATMENT, control: CONTROL },
  );
  const show = () => {
    const flag = client.getFlag(ROLLOUT_FLAG);
    const shape = rolloutShape(flag?.definition, environment, TREATMENT);
    const served = users.map((user) => client.getStringDetails(ROLLOUT_FLAG, DEFAULT_VALUE, user).variant);
    const round = history.record(shape.share, served);
    const variants = flag?.definition ? Object.keys(flag.definition.variants) : [];
    const rules = shape.rules === 0 ? '(no rules)' : `+ ${shape.rules} rule(s)`;
    const state = flag
      ? `${formatShare(shape.share)} ${rules}`
      : `not defined (every user gets '${DEFAULT_VALUE}')`;
    out.line(
      PANEL_LABEL,
      `rollout ${state}: ${formatCounts(round, variants)} — ${round.changed} changed, flip-backs ${history.flipBacks}${round.rolledBack ? ' (the percentage shrank: a rollback, counted afresh)' : ''}`,
    );
    for (const user of round.flipBacks.slice(0, SHOWN_FLIP_BACKS))
      out.line(PANEL_LABEL, `flip-back: ${user} ${formatHistory(history.historyOf(user))}`);
  };
  client.on('ready', () => {
    if (!client.getFlag(ROLLOUT_FLAG)) show(); // otherwise its 'change' has shown it already
  });
  client.on('change', (change) => {
    if (change.key === ROLLOUT_FLAG) show();
  });
  return {
    summary() {
      out.line(
        PANEL_LABEL,
        `summary: ${history.rounds} round(s), ${history.usersWhoMoved} user(s) moved, flip-backs ${history.flipBacks}`,
      );
    },
  };
}

/** A share as a percentage, with a decimal only when it needs one (12.5%). */
function formatShare(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** `control 903, treatment 97, preview 0, off 0`: the flag's variants in its order, then the default if used. */
function formatCounts(round: RoundSummary, variants: readonly string[]): string {
  const parts = variants.map((variant) => `${variant} ${round.counts.get(variant) ?? 0}`);
  for (const [variant, count] of round.counts)
    if (variant === undefined || !variants.includes(variant))
      parts.push(`${variant ?? '(default)'} ${count}`);
  return parts.join(', ');
}

/** `control@0% -> treatment@10% -> control@50%`. */
function formatHistory(entries: ReadonlyArray<{ share: number; variant: string | undefined }>): string {
  return entries.map((e) => `${e.variant ?? '(default)'}@${formatShare(e.share)}`).join(' -> ');
}
