import { type FormEvent, useState } from 'react';
import { ApiError } from '../../shared/api-client';
import { type CurrentUser, signIn } from './auth.api';

export function SignInPage({ onSignedIn }: { onSignedIn: (user: CurrentUser) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError('Informe o e-mail e a senha.');
      return;
    }
    setBusy(true);
    try {
      onSignedIn(await signIn(email.trim(), password));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Não foi possível entrar. Tente de novo.');
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} noValidate aria-describedby={error ? 'sign-in-error' : undefined}>
        <div className="brand">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <h1>Santana</h1>
        </div>
        <p className="muted">Entre para atender seus clientes e prestadores.</p>
        <label htmlFor="email">E-mail</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          required
        />
        <label htmlFor="password">Senha</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
        {error && (
          <p id="sign-in-error" className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Entrando…' : 'Entrar'}
        </button>
      </form>
    </main>
  );
}
