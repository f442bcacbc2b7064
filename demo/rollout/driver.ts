import type { Move } from '../driver.js';
import type { Output } from '../output.js';
import { describeStep, ROLLOUT_FLAG, ROLLOUT_STEPS, rolloutDefinition } from './definition.js';

/**
 * The rollout's drive: each call writes its next step (ROLLOUT_STEPS: 0 -> 10 -> 50 -> 100%, then a
 * targeting rule, then from 0% again) as a whole definition by `PUT /feature-flags/{key}`, guarded by
 * `If-Match` with the ETag just read, so a concurrent change is never overwritten: the write is refused
 * (412) and the same step is tried again at the next call.
 */
export function rolloutSteps(service: { url: string; token: string | undefined }, out: Output): Move {
  const flagUrl = `${service.url}/feature-flags/${encodeURIComponent(ROLLOUT_FLAG)}`;
  const auth: Record<string, string> = service.token ? { Authorization: `Bearer ${service.token}` } : {};
  let next = 0;
  return async () => {
    const target = ROLLOUT_STEPS[next % ROLLOUT_STEPS.length] as (typeof ROLLOUT_STEPS)[number];
    try {
      const current = await fetch(flagUrl, { headers: auth });
      const etag = current.headers.get('etag');
      if (current.status !== 404 && !(current.ok && etag))
        throw new Error(`GET answered ${current.status} ${await current.text()}`);
      await current.body?.cancel(); // only its ETag counts
      // Absent: created by this PUT (no If-Match). Present: replaced only if still the version read.
      const written = await fetch(flagUrl, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...auth, ...(etag ? { 'If-Match': etag } : {}) },
        body: JSON.stringify(rolloutDefinition(target)),
      });
      if (!written.ok) throw new Error(`PUT answered ${written.status} ${await written.text()}`);
      const { revision } = (await written.json()) as { revision: number };
      next++;
      out.line('DRIVER', `${ROLLOUT_FLAG}: ${describeStep(target)} (revision ${revision})`);
    } catch (err) {
      out.line(
        'DRIVER',
        `could not move ${ROLLOUT_FLAG} to ${describeStep(target)}: ${(err as Error).message}`,
      );
    }
  };
}
