/*
 * The signed-in token: kept in sessionStorage, so it lives as long as this tab and is never shared with
 * other tabs, put in a URL or written to a log. Nothing else in the console reads storage.
 */
const KEY = 'flagwire.console.token';

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeToken(token: string | undefined): void {
  if (token === undefined) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, token);
}

/** The `Authorization` header value for a token; none for open access. */
export function authorizationOf(token: string | undefined): string | undefined {
  return token === undefined ? undefined : `Bearer ${token}`;
}
