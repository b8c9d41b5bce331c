import { useEffect, useState } from 'react';
import { type CurrentUser, fetchProfile, signOut } from '../modules/auth/auth.api';
import { SetPasswordPage } from '../modules/auth/SetPasswordPage';
import { SignInPage } from '../modules/auth/SignInPage';
import { AppFrame } from '../modules/shell/AppFrame';
import { SimulatorPage } from '../modules/simulator/SimulatorPage';
import { ApiError } from '../shared/api-client';

type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; user: CurrentUser };

export function App() {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });
  const path = window.location.pathname;

  useEffect(() => {
    fetchProfile()
      .then((user) => setSession({ status: 'signed-in', user }))
      .catch((error) =>
        setSession({
          status: 'signed-out',
          notice: error instanceof ApiError && error.status !== 401 ? error.message : undefined,
        }),
      );
  }, []);

  if (path === '/definir-senha') {
    const token = new URLSearchParams(window.location.search).get('token') ?? '';
    return <SetPasswordPage token={token} onDone={() => window.location.assign('/')} />;
  }
  if (session.status === 'loading') {
    return (
      <div className="loading" role="status">
        Carregando…
      </div>
    );
  }
  if (session.status === 'signed-out') {
    return <SignInPage onSignedIn={(user) => setSession({ status: 'signed-in', user })} />;
  }
  if (path === '/simulator' || path.startsWith('/simulator/')) return <SimulatorPage />;
  return (
    <AppFrame
      user={session.user}
      onSignOut={async () => {
        await signOut().catch(() => undefined);
        setSession({ status: 'signed-out' });
      }}
    />
  );
}
