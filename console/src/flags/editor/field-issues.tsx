import { createContext, useContext, useId } from 'react';

/** The service's validation issues, by the editor field they name (server-paths.ts), and by form check. */
export type FieldIssues = ReadonlyMap<string, readonly string[]>;

const IssuesContext = createContext<FieldIssues>(new Map());
export const FieldIssuesProvider = IssuesContext.Provider;

/**
 * The issues of one field, and the attributes that tie its input to them (`aria-invalid`,
 * `aria-describedby`): render `message` in an element with `id`.
 */
export function useFieldIssue(name: string, clientMessage?: string) {
  const issues = useContext(IssuesContext);
  const id = useId();
  const messages = [...(clientMessage ? [clientMessage] : []), ...(issues.get(name) ?? [])];
  const message = messages.join('; ');
  return {
    id,
    message,
    inputProps: message
      ? ({ 'aria-invalid': true, 'aria-describedby': id } as const)
      : ({ 'aria-describedby': id } as const),
  };
}

/** Where a field's issue shows, right after it (always present, so screen readers can find it). */
export function FieldError({ id, message }: { id: string; message: string }) {
  return (
    <span id={id} className="field-error" role={message ? 'alert' : undefined}>
      {message}
    </span>
  );
}
