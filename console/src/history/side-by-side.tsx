import { useState } from 'react';
import { useSession } from '../api/session-context';
import { canonicalJson } from '../flags/editor/merge';
import { AuditEntryStatesDocument, type AuditEntryStatesQuery } from '../generated/graphql';
import { type Cell, sideBySideRows } from './side-by-side-rows';

type States = NonNullable<AuditEntryStatesQuery['auditLog']['edges'][number]>['node'];

function Side({ cell }: { cell: Cell | undefined }) {
  if (!cell) return <td className="empty" />;
  const text = `${cell.text}\n`;
  return (
    <td className={cell.kind}>
      {cell.kind === 'removed' ? <del>{text}</del> : cell.kind === 'added' ? <ins>{text}</ins> : text}
    </td>
  );
}

/**
 * Two JSON documents side by side (a jsdiff line diff of their canonical JSON; long unchanged runs
 * folded): a record before and after a change, or a flag's configuration before and after a promotion.
 * An undefined side is shown empty under its heading.
 */
export function DocumentsSideBySide({
  before,
  after,
  beforeHeading,
  afterHeading,
  label,
}: {
  before: unknown;
  after: unknown;
  beforeHeading: string;
  afterHeading: string;
  label: string;
}) {
  const rows = sideBySideRows(
    before === undefined ? '' : canonicalJson(before),
    after === undefined ? '' : canonicalJson(after),
  );
  return (
    <div className="side-by-side">
      <table>
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col">{beforeHeading}</th>
            <th scope="col">{afterHeading}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) =>
            row.kind === 'folded' ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows of a diff have no identity but their place
              <tr key={i} className="folded">
                <td colSpan={2}>… {row.lines} unchanged lines …</td>
              </tr>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows of a diff have no identity but their place
              <tr key={i}>
                <Side cell={row.before} />
                <Side cell={row.after} />
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function Table({ states, label }: { states: States; label: string }) {
  return (
    <DocumentsSideBySide
      before={states.before?.definition}
      after={states.after?.definition}
      beforeHeading={states.before ? `Before (version ${states.before.version})` : 'Before: none'}
      afterHeading={states.after ? `After (version ${states.after.version})` : 'After: none (deleted)'}
      label={label}
    />
  );
}

/**
 * The record before and after one change, side by side (jsdiff line diff of canonical JSON), behind a
 * disclosure: the two documents are read from the service only when it is first opened.
 */
export function SideBySide({ revision, label }: { revision: number; label: string }) {
  const { run } = useSession();
  const [states, setStates] = useState<States | 'loading' | string>();
  const open = () => {
    if (states !== undefined) return;
    setStates('loading');
    run(AuditEntryStatesDocument, { revision }).then(
      ({ auditLog }) => setStates(auditLog.edges[0]?.node ?? 'This entry is no longer kept.'),
      (err: unknown) => setStates(`Could not read it: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
  return (
    <details className="states" onToggle={(e) => e.currentTarget.open && open()}>
      <summary>Before and after, side by side</summary>
      {states === 'loading' || states === undefined ? (
        <p className="loading">Loading…</p>
      ) : typeof states === 'string' ? (
        <p className="field-error" role="alert">
          {states}
        </p>
      ) : (
        <Table states={states} label={label} />
      )}
    </details>
  );
}
