/** The longest comment the service keeps (MAX_COMMENT_LENGTH). */
const MAX_COMMENT = 500;

/** A comment as a mutation's `comment` argument: null when there is none. */
export const commentOf = (text: string): string | null => (text.trim() === '' ? null : text.trim());

/**
 * The optional "why" of a change, sent as the write's `comment` and kept in its audit entry beside the
 * actor (the history shows it).
 */
export function CommentField({
  id,
  label = 'Comment (optional, shown in the history)',
  value,
  onChange,
}: {
  id: string;
  label?: string;
  value: string;
  onChange: (text: string) => void;
}) {
  return (
    <span className="field comment-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        maxLength={MAX_COMMENT}
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    </span>
  );
}
