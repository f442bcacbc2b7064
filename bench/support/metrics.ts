/**
 * The service's own Prometheus counters (`GET /metrics`), where it has them: used only to explain a
 * figure (e.g. resyncs during a measurement), never as the figure itself. Null when there is no such
 * endpoint.
 */
export async function scrapeCounters(
  url: string,
  prefixes: readonly string[],
): Promise<Map<string, number> | null> {
  try {
    const res = await fetch(`${url}/metrics`);
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const counters = new Map<string, number>();
    for (const line of (await res.text()).split('\n')) {
      if (line.startsWith('#') || !prefixes.some((p) => line.startsWith(p))) continue;
      const space = line.lastIndexOf(' ');
      const value = Number(line.slice(space + 1));
      if (Number.isFinite(value)) counters.set(line.slice(0, space), value);
    }
    return counters;
  } catch {
    return null;
  }
}

/** after - before, per counter that moved. */
export function counterDeltas(
  before: Map<string, number> | null,
  after: Map<string, number> | null,
): Record<string, number> | null {
  if (!before || !after) return null;
  const deltas: Record<string, number> = {};
  for (const [name, value] of after) {
    const delta = value - (before.get(name) ?? 0);
    if (delta !== 0) deltas[name] = delta;
  }
  return deltas;
}
