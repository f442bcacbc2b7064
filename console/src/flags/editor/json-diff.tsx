import { diffLines } from 'diff';
import { canonicalJson } from './merge';

/**
 * A line diff (jsdiff) of two JSON documents printed canonically: `-` lines were removed, `+` lines
 * added, the rest kept (unchanged runs longer than a few lines are folded).
 */
export function JsonDiff({ before, after, label }: { before: unknown; after: unknown; label: string }) {
  const parts = diffLines(canonicalJson(before), canonicalJson(after));
  const changed = parts.some((part) => part.added || part.removed);
  return (
    <figure className="diff">
      <figcaption>{label}</figcaption>
      {!changed ? (
        <p className="muted">No change.</p>
      ) : (
        <pre>
          {parts.map((part, i) => {
            const lines = part.value.replace(/\n$/, '').split('\n');
            const sign = part.added ? '+' : part.removed ? '-' : ' ';
            const shown =
              !part.added && !part.removed && lines.length > 6
                ? [...lines.slice(0, 2), `… ${lines.length - 4} unchanged lines …`, ...lines.slice(-2)]
                : lines;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a diff's parts have no identity but their place
              <span key={i} className={part.added ? 'added' : part.removed ? 'removed' : 'same'}>
                {shown.map((line) => `${sign} ${line}\n`).join('')}
              </span>
            );
          })}
        </pre>
      )}
    </figure>
  );
}
