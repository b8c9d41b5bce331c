import { type FormEvent, useState } from 'react';
import { ApiError } from '../../shared/api-client';
import { setPasswordWithToken } from './auth.api';

/** Where an invitation or reset link lands: the person chooses a password, then signs in. */
export function SetPasswordPage({ token, onDone }: { token: string; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < 8) return setError('A senha precisa ter pelo menos 8 caracteres.');
    if (password !== confirmation) return setError('As senhas não são iguais.');
    try {
      await setPasswordWithToken(token, password);
      setDone(true);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Não foi possível salvar a senha.');
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} noValidate>
        <h1>Definir senha</h1>
        {done ? (
          <>
            <p role="status">Senha salva. Agora é só entrar.</p>
            <button type="button" className="primary" onClick={onDone}>
              Ir para o login
            </button>
          </>
        ) : (
          <>
            <label htmlFor="new-password">Nova senha</label>
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <label htmlFor="confirm-password">Confirme a senha</label>
            <input
              id="confirm-password"
              type="password"
              autoComplete="new-password"
              value={confirmation}
              onChange={(event) => setConfirmation(event.target.value)}
            />
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="primary">
              Salvar senha
            </button>
          </>
        )}
      </form>
    </main>
  );
}
