import { useEffect, useState } from 'react';

/** The current time (ms), renewed every `everyMs`: relative times ("5 minutes ago") stay true. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
