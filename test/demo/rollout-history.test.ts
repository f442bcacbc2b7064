import { describe, expect, it } from '@jest/globals';
import { RolloutHistory } from '../../demo/rollout/history.js';

const USERS = ['user-0', 'user-1', 'user-2'];
const history = () => new RolloutHistory(USERS, { treatment: 'treatment', control: 'control' });

describe("the rollout panel's history", () => {
  it('counts a user sent back to control while the share only grew as a flip-back', () => {
    const panel = history();
    panel.record(0.1, ['treatment', 'control', 'control']);
    const round = panel.record(0.5, ['control', 'treatment', 'control']);
    expect(round.flipBacks).toEqual(['user-0']);
    expect(panel.flipBacks).toBe(1);
    expect(panel.historyOf('user-0').map((e) => [e.variant, e.share])).toEqual([
      ['treatment', 0.1],
      ['control', 0.5],
    ]);
  });

  it('counts a flip-back through another variant, and one kept in treatment across rounds', () => {
    const panel = history();
    panel.record(0.1, ['treatment', 'treatment', 'control']);
    panel.record(0.5, ['preview', 'treatment', 'control']);
    const round = panel.record(0.5, ['control', 'control', 'control']);
    expect(round.flipBacks).toEqual(['user-0', 'user-1']);
  });

  it('does not count leaving treatment after the share shrank (a rollback starts a new run)', () => {
    const panel = history();
    panel.record(0.5, ['treatment', 'treatment', 'control']);
    expect(panel.record(0.1, ['control', 'treatment', 'control']).rolledBack).toBe(true);
    expect(panel.flipBacks).toBe(0);
    // user-1 was in treatment in the new run (at 10%): leaving it at 50% is a flip-back again.
    expect(panel.record(0.5, ['treatment', 'control', 'control']).flipBacks).toEqual(['user-1']);
  });

  it('counts users per variant and those whose variant changed, keeping one history entry per change', () => {
    const panel = history();
    panel.record(0, [undefined, undefined, undefined]);
    const round = panel.record(0.5, ['control', 'treatment', undefined]);
    expect([...round.counts]).toEqual([
      ['control', 1],
      ['treatment', 1],
      [undefined, 1],
    ]);
    expect(round.changed).toBe(2);
    expect(panel.historyOf('user-2')).toHaveLength(1);
    expect(panel.usersWhoMoved).toBe(2);
    expect(panel.rounds).toBe(2);
  });
});
