/** The prefix that 10% of the seeded flags are under, and that every scenario reads or listens to. */
export const PREFIX = 'beta';

const OTHER_PREFIXES = ['checkout', 'search', 'ops', 'mobile', 'exp'];

/** The key of seeded flag `i`: every tenth is under `beta`, the others spread over a few prefixes. */
export function seededKey(i: number): string {
  const n = String(i).padStart(4, '0');
  return i % 10 === 0 ? `${PREFIX}.flag-${n}` : `${OTHER_PREFIXES[i % OTHER_PREFIXES.length]}.flag-${n}`;
}

/** The seeded keys under `beta`, in seeding order. */
export function betaKeys(count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < count; i += 10) keys.push(seededKey(i));
  return keys;
}

/**
 * Creates `count` flags through the REST API (POST /feature-flags), a few requests at a time; with
 * `token` (an admin token), as a client of a service that has tokens configured.
 */
export async function seedFlags(url: string, count: number, token?: string, concurrency = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await postFlag(
        url,
        {
          key: seededKey(i),
          isEnabled: i % 3 === 0,
          description: `Seeded by the benchmark: flag ${i} of ${count}, rolled out to a slice of users`,
        },
        token,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** POST /feature-flags (with `token` as the bearer token, if given); returns the revision of the change. */
export async function postFlag(
  url: string,
  body: { key: string; isEnabled?: boolean; description?: string },
  token?: string,
): Promise<number> {
  const res = await fetch(`${url}/feature-flags`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /feature-flags answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { revision: number }).revision;
}
