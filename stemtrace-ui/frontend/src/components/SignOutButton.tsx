import { useQuery } from '@tanstack/react-query';
import { sessionQuery } from '../session';

/**
 * Signs out with form login: a plain form post, so the server's answer (a redirect to the login
 * page) is what the browser shows. Nothing without form login.
 */
export function SignOutButton() {
  const session = useQuery(sessionQuery()).data;
  if (!session) return null;
  return (
    <form method="post" action={session.sign_out} className="sign-out" data-testid="sign-out">
      <input type="hidden" name="csrf" value={session.csrf} />
      <button type="submit" className="button ghost" title={`Signed in as ${session.user}`}>
        Sign out
      </button>
    </form>
  );
}
