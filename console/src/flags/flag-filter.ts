/** What the flag list is narrowed to: all optional, all must hold. */
export interface FlagFilter {
  /** Part of the key, anywhere in it (case-insensitive). */
  text: string;
  /** The start of the key (case-sensitive, as the API's `prefix`). */
  prefix: string;
  /** A tag the flag must carry. */
  tag: string;
}

export const NO_FILTER: FlagFilter = { text: '', prefix: '', tag: '' };

/** The flags that pass `filter`, in their order. */
export function filterFlags<F extends { key: string; tags: readonly string[]; description: string }>(
  flags: readonly F[],
  filter: FlagFilter,
): F[] {
  const text = filter.text.trim().toLowerCase();
  const prefix = filter.prefix.trim();
  const tag = filter.tag.trim();
  return flags.filter(
    (flag) =>
      (prefix === '' || flag.key.startsWith(prefix)) &&
      (tag === '' || flag.tags.includes(tag)) &&
      (text === '' || flag.key.toLowerCase().includes(text) || flag.description.toLowerCase().includes(text)),
  );
}

/** Every tag used by `flags`, sorted. */
export function tagsOf(flags: readonly { tags: readonly string[] }[]): string[] {
  const tags = new Set<string>();
  for (const flag of flags) for (const tag of flag.tags) tags.add(tag);
  return [...tags].sort();
}

/** The filter as URL search parameters (so a filtered list can be linked), and back. */
export function filterToSearch(filter: FlagFilter): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (value) params.set(name, value);
  const search = params.toString();
  return search ? `?${search}` : '';
}

export function filterFromSearch(search: string): FlagFilter {
  const params = new URLSearchParams(search);
  return { text: params.get('text') ?? '', prefix: params.get('prefix') ?? '', tag: params.get('tag') ?? '' };
}
