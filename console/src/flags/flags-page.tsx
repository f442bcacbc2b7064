import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { useSession } from '../api/session-context';
import type { FlagRowFragment } from '../generated/graphql';
import { type ChangeAuthor, useRecentChangeAuthors } from './change-authors';
import { CreateFlagForm } from './create-flag-form';
import { EnvironmentSwitch } from './environment-switch';
import { type FlagFilter, filterFlags, filterFromSearch, filterToSearch, tagsOf } from './flag-filter';
import { useFlagList } from './flag-list-context';
import { SwitchCommentField, SwitchCommentProvider } from './switch-comment';
import { targetingSummary } from './targeting-summary';

/** At most this many rows are drawn at once; the filter narrows the rest. */
const PAGE = 100;

function FilterBar({
  filter,
  tags,
  onChange,
}: {
  filter: FlagFilter;
  tags: string[];
  onChange: (f: FlagFilter) => void;
}) {
  return (
    <search className="filters" aria-label="Filter flags">
      <span className="field">
        <label htmlFor="filter-text">Search</label>
        <input
          id="filter-text"
          type="search"
          value={filter.text}
          placeholder="key or description"
          onChange={(e) => onChange({ ...filter, text: e.currentTarget.value })}
        />
      </span>
      <span className="field">
        <label htmlFor="filter-prefix">Key prefix</label>
        <input
          id="filter-prefix"
          type="text"
          value={filter.prefix}
          placeholder="e.g. checkout."
          spellCheck={false}
          onChange={(e) => onChange({ ...filter, prefix: e.currentTarget.value })}
        />
      </span>
      <span className="field">
        <label htmlFor="filter-tag">Tag</label>
        <select
          id="filter-tag"
          value={filter.tag}
          onChange={(e) => onChange({ ...filter, tag: e.currentTarget.value })}
        >
          <option value="">any tag</option>
          {tags.map((tag) => (
            <option key={tag} value={tag}>
              {tag}
            </option>
          ))}
        </select>
      </span>
    </search>
  );
}

function FlagRow({
  flag,
  environments,
  highlighted,
  author,
}: {
  flag: FlagRowFragment;
  environments: readonly string[];
  highlighted: boolean;
  /** The latest change's entry, when known (see change-authors.ts). */
  author: ChangeAuthor | undefined;
}) {
  const configured = new Map(flag.environments.map((e) => [e.environment, e]));
  return (
    <tr className={highlighted ? 'flag changed' : 'flag'} data-flag={flag.key}>
      <th scope="row">
        <Link href={`/flags/${encodeURIComponent(flag.key)}`} className="flag-key">
          {flag.key}
        </Link>
        {flag.description && <span className="description">{flag.description}</span>}
        <span className="tags">
          <span className="type">{flag.type}</span>
          {flag.tags.map((tag) => (
            <span key={tag} className="tag">
              {tag}
            </span>
          ))}
        </span>
      </th>
      {environments.map((environment) => {
        const config = configured.get(environment);
        return (
          <td key={environment} data-environment={environment}>
            <span className="env-label" aria-hidden="true">
              {environment}
            </span>
            <EnvironmentSwitch flag={flag} environment={environment} enabled={config?.enabled ?? false} />
            <span className="targeting">
              {config ? targetingSummary(config) : 'not configured yet (switching it on configures it)'}
            </span>
          </td>
        );
      })}
      <td className="last-change">
        <time dateTime={flag.updatedAt} title={flag.updatedAt}>
          {new Date(flag.updatedAt).toLocaleString()}
        </time>
        <span className="version">v{flag.version}</span>
        {author?.revision === flag.revision && <span className="author">by {author.actor}</span>}
        {highlighted && <span className="badge">changed by someone else</span>}
      </td>
    </tr>
  );
}

/** The first screen: every flag, searchable, with its switch and targeting per environment, live. */
export function FlagsPage() {
  const { viewer } = useSession();
  const list = useFlagList();
  const search = useSearch();
  const [, setLocation] = useLocation();
  const filter = useMemo(() => filterFromSearch(search), [search]);
  const [limit, setLimit] = useState(PAGE);
  const shown = useMemo(() => filterFlags(list.flags, filter), [list.flags, filter]);
  const tags = useMemo(() => tagsOf(list.flags), [list.flags]);
  // A bound client token sees its one environment; everyone else every environment.
  const environments = useMemo(
    () => (viewer.environment ? [viewer.environment] : list.environments.map((e) => e.key)),
    [viewer.environment, list.environments],
  );

  useEffect(() => {
    if (list.loaded) performance.mark('console:flags-ready');
  }, [list.loaded]);
  // Read once the list is drawn, so it never delays the first screen.
  const authors = useRecentChangeAuthors(list.loaded && viewer.canWrite);

  return (
    <>
      <h1>Flags</h1>
      {viewer.canWrite && <CreateFlagForm environments={environments} />}
      <SwitchCommentProvider>
        <FilterBar
          filter={filter}
          tags={tags}
          onChange={(next) => setLocation(`/${filterToSearch(next)}`, { replace: true })}
        />
        {viewer.canWrite && <SwitchCommentField />}
        <p className="live-status" aria-live="polite">
          {list.lastForeignChange ?? ''}
        </p>
        {!list.loaded ? (
          <p className="loading">Loading flags…</p>
        ) : (
          <>
            <p className="count">
              {shown.length} of {list.flags.length} flags
            </p>
            <table className="flags">
              <caption className="visually-hidden">
                Flags, their state per environment and last change
              </caption>
              <thead>
                <tr>
                  <th scope="col">Flag</th>
                  {environments.map((environment) => (
                    <th scope="col" key={environment}>
                      {environment}
                    </th>
                  ))}
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {shown.slice(0, limit).map((flag) => (
                  <FlagRow
                    key={flag.key}
                    flag={flag}
                    environments={environments}
                    highlighted={list.highlighted.has(flag.key)}
                    author={authors.get(flag.key)}
                  />
                ))}
              </tbody>
            </table>
            {shown.length > limit && (
              <button type="button" onClick={() => setLimit((n) => n + PAGE)}>
                Show {Math.min(PAGE, shown.length - limit)} more
              </button>
            )}
          </>
        )}
      </SwitchCommentProvider>
    </>
  );
}
