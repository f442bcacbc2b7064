import { useForm } from 'react-hook-form';

interface Fields {
  token: string;
}

/**
 * The sign-in form: an admin token (read and write) or a client token (read-only). The token goes to
 * sessionStorage only (this tab), never into the URL: the form is submitted by script, not navigation.
 */
export function SignIn({
  problem,
  onSubmit,
}: {
  problem: string | undefined;
  onSubmit: (token: string) => Promise<void>;
}) {
  const { register, handleSubmit, formState } = useForm<Fields>({ defaultValues: { token: '' } });
  return (
    <main className="sign-in">
      <h1>Flagwire console</h1>
      <form onSubmit={handleSubmit((fields) => onSubmit(fields.token.trim()))} noValidate>
        <p>
          Sign in with an admin token to manage flags, or a client token for a read-only view. The token is
          kept for this tab only.
        </p>
        <label htmlFor="token">Token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={formState.errors.token || problem ? true : undefined}
          aria-describedby="token-problem"
          {...register('token', { required: 'Enter a token' })}
        />
        <p id="token-problem" className="field-error" role="alert">
          {formState.errors.token?.message ?? problem ?? ''}
        </p>
        <button type="submit" disabled={formState.isSubmitting}>
          Sign in
        </button>
      </form>
    </main>
  );
}
