import type { Availability, Role } from '../db/schema.js';
import { AppError, notFound } from '../shared/errors.js';
import type { MembershipCache } from './access-cache.js';
import type { AuditRepo } from './audit.repo.js';
import type { AuthService } from './auth.service.js';
import { hashPassword } from './password.js';
import type { AgentRow, UsersRepo } from './users.repo.js';

/** Chatwoot's agent shape. */
export function serializeAgent(agent: AgentRow) {
  return {
    id: agent.id,
    account_id: agent.account_id,
    availability_status: agent.availability,
    auto_offline: agent.auto_offline,
    confirmed: agent.confirmed,
    email: agent.email,
    available_name: agent.display_name ?? agent.name,
    name: agent.name,
    role: agent.role,
    thumbnail: '',
    custom_role_id: null,
  };
}

interface Actor {
  accountId: number;
  userId: number;
  ip: string;
}

export function createAgentsService(deps: {
  users: UsersRepo;
  audit: AuditRepo;
  auth: AuthService;
  memberships: MembershipCache;
}) {
  const { users, audit } = deps;

  async function assertKeepsAnAdministrator(accountId: number, userId: number) {
    const current = await users.membership(accountId, userId);
    if (current?.role === 'administrator' && (await users.countAdministrators(accountId)) <= 1) {
      throw new AppError('last_administrator', 'A conta precisa de pelo menos um administrador.');
    }
  }

  return {
    list: async (accountId: number) => (await users.listAgents(accountId)).map(serializeAgent),

    async create(
      actor: Actor,
      input: {
        name: string;
        email: string;
        role: Role;
        availability_status?: Availability | undefined;
        auto_offline?: boolean | undefined;
        password?: string | undefined;
      },
    ) {
      let user = await users.findUserByEmail(input.email);
      if (user && (await users.membership(actor.accountId, user.id))) {
        throw new AppError('unprocessable', 'Este e-mail já pertence a um agente desta conta.', [
          { field: 'email', message: 'já cadastrado nesta conta' },
        ]);
      }
      let invitationUrl: string | null = null;
      if (!user) {
        const passwordHash = input.password ? await hashPassword(input.password) : null;
        user = await users.createUser({ name: input.name, email: input.email, passwordHash });
        // Without a password the new agent gets a single-use link to choose one.
        if (!passwordHash) invitationUrl = await deps.auth.createPasswordLink(user.id, 'invitation');
      }
      await users.addMembership({
        accountId: actor.accountId,
        userId: user.id,
        role: input.role,
        availability: input.availability_status,
        autoOffline: input.auto_offline,
      });
      deps.memberships.forget(user.id);
      await audit.record({
        action: 'agent.created',
        accountId: actor.accountId,
        actorUserId: actor.userId,
        targetType: 'user',
        targetId: user.id,
        ip: actor.ip,
        details: { role: input.role },
      });
      const agent = await users.findAgent(actor.accountId, user.id);
      if (!agent) throw notFound('Agente');
      return { ...serializeAgent(agent), invitation_url: invitationUrl };
    },

    async update(
      actor: Actor,
      agentId: number,
      input: {
        role?: Role | undefined;
        availability_status?: Availability | undefined;
        auto_offline?: boolean | undefined;
        name?: string | undefined;
      },
    ) {
      const before = await users.findAgent(actor.accountId, agentId);
      if (!before) throw notFound('Agente');
      if (input.role && input.role !== before.role && input.role !== 'administrator') {
        await assertKeepsAnAdministrator(actor.accountId, agentId);
      }
      await users.updateMembership(actor.accountId, agentId, {
        ...(input.role ? { role: input.role } : {}),
        ...(input.availability_status ? { availability: input.availability_status } : {}),
        ...(input.auto_offline !== undefined ? { auto_offline: input.auto_offline } : {}),
      });
      if (input.name) {
        await users.updateUser(agentId, { name: input.name });
        deps.auth.forgetCachedCallers();
      }
      deps.memberships.forget(agentId);
      if (input.role && input.role !== before.role) {
        await audit.record({
          action: 'user.role_changed',
          accountId: actor.accountId,
          actorUserId: actor.userId,
          targetType: 'user',
          targetId: agentId,
          ip: actor.ip,
          details: { from: before.role, to: input.role },
        });
      }
      const after = await users.findAgent(actor.accountId, agentId);
      if (!after) throw notFound('Agente');
      return serializeAgent(after);
    },

    async remove(actor: Actor, agentId: number) {
      if (!(await users.findAgent(actor.accountId, agentId))) throw notFound('Agente');
      await assertKeepsAnAdministrator(actor.accountId, agentId);
      await users.removeMembership(actor.accountId, agentId);
      deps.memberships.forget(agentId);
      await audit.record({
        action: 'agent.removed',
        accountId: actor.accountId,
        actorUserId: actor.userId,
        targetType: 'user',
        targetId: agentId,
        ip: actor.ip,
      });
    },
  };
}

export type AgentsService = ReturnType<typeof createAgentsService>;
