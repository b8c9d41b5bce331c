import { useState } from 'react';
import type { CurrentUser } from '../auth/auth.api';

const ROLE_LABEL = { administrator: 'Administrador', agent: 'Agente' } as const;

/** The signed-in frame: header with the account and user, navigation, and the main area features fill. */
export function AppFrame({ user, onSignOut }: { user: CurrentUser; onSignOut: () => Promise<void> }) {
  const [signingOut, setSigningOut] = useState(false);
  const account = user.accounts.find((candidate) => candidate.id === user.account_id) ?? user.accounts[0];

  return (
    <div className="app-frame">
      <header className="app-header">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span className="brand-name">Santana</span>
          {account && <span className="account-name">{account.name}</span>}
        </div>
        <div className="user-menu">
          <span className="user-name" data-testid="current-user">
            {user.available_name}
          </span>
          {user.role && <span className="role-badge">{ROLE_LABEL[user.role]}</span>}
          <button
            type="button"
            className="secondary"
            disabled={signingOut}
            onClick={async () => {
              setSigningOut(true);
              await onSignOut();
            }}
          >
            Sair
          </button>
        </div>
      </header>
      <nav className="app-nav" aria-label="Navegação principal">
        <a href="/" aria-current="page">
          Conversas
        </a>
        <a href="/simulator" target="_blank" rel="noreferrer">
          Simulador de WhatsApp
        </a>
      </nav>
      <main className="app-main">
        <section className="empty-state">
          <h2>Olá, {user.available_name.split(' ')[0]}!</h2>
          <p className="muted">Nenhuma conversa por aqui ainda. As conversas do WhatsApp aparecerão nesta tela.</p>
        </section>
      </main>
    </div>
  );
}
