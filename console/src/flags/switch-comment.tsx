import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { CommentField } from '../comment-field';

/** The comment typed for the next switch flipped on the flag list, taken (and cleared) by that switch. */
interface SwitchComment {
  /** The comment, now cleared so it is not reused for a later, unrelated switch. */
  take(): string;
  /** Puts a taken comment back (its write failed). */
  restore(text: string): void;
}

const Context = createContext<SwitchComment>({ take: () => '', restore: () => {} });
const FieldContext = createContext<{ text: string; setText: (text: string) => void }>({
  text: '',
  setText: () => {},
});

export const useSwitchComment = () => useContext(Context);

/**
 * Holds the list's switch comment. Rows read it through a stable object (one context), the field
 * through another, so typing re-renders the field, not a hundred rows.
 */
export function SwitchCommentProvider({ children }: { children: ReactNode }) {
  const [text, setText] = useState('');
  const current = useRef(text);
  current.current = text;
  const take = useCallback(() => {
    const taken = current.current;
    setText('');
    return taken;
  }, []);
  const restore = useCallback((taken: string) => setText((now) => now || taken), []);
  const value = useMemo(() => ({ take, restore }), [take, restore]);
  const field = useMemo(() => ({ text, setText }), [text]);
  return (
    <Context.Provider value={value}>
      <FieldContext.Provider value={field}>{children}</FieldContext.Provider>
    </Context.Provider>
  );
}

/** The field where the comment for the next switch flipped on the list is typed. */
export function SwitchCommentField() {
  const { text, setText } = useContext(FieldContext);
  return (
    <CommentField
      id="switch-comment"
      label="Comment for the next switch you flip (optional, shown in the history)"
      value={text}
      onChange={setText}
    />
  );
}
