/**
 * Entries held by a history screen, newest first, each revision once: pages read with the cursor, a
 * re-read after the live connection came back, and live events may overlap and arrive in any order.
 */
export function mergeEntries<E extends { readonly revision: number }>(
  held: readonly E[],
  incoming: readonly E[],
): E[] {
  if (incoming.length === 0) return held as E[];
  const byRevision = new Map<number, E>();
  for (const entry of held) byRevision.set(entry.revision, entry);
  for (const entry of incoming) byRevision.set(entry.revision, entry);
  return [...byRevision.values()].sort((a, b) => b.revision - a.revision);
}

/** The highest revision held (0 when none): a re-read after it asks for `sinceRevision` one above. */
export const newestRevision = (entries: readonly { readonly revision: number }[]) =>
  entries[0]?.revision ?? 0;
