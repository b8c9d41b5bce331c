import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../http/request-context.js';
import { errorResponses } from '../http/schemas.js';
import { AppError, notFound } from '../shared/errors.js';
import type { MembershipCache } from './access-cache.js';
import type { AuthService, Principal } from './auth.service.js';
import { verifyPassword } from './password.js';
import type { UsersRepo } from './users.repo.js';

const RoleSchema = z.enum(['administrator', 'agent']);

const ProfileSchema = z
  .object({
    id: z.number(),
    access_token: z.string(),
    account_id: z.number().nullable(),
    available_name: z.string(),
    avatar_url: z.string(),
    confirmed: z.boolean(),
    display_name: z.string().nullable(),
    message_signature: z.string().nullable(),
    email: z.string(),
    name: z.string(),
    provider: z.string(),
    role: RoleSchema.nullable(),
    ui_settings: z.record(z.string(), z.unknown()),
    uid: z.string(),
    type: z.string(),
    custom_attributes: z.record(z.string(), z.unknown()),
    accounts: z.array(
      z.object({
        id: z.number(),
        name: z.string(),
        status: z.string(),
        role: RoleSchema,
        availability: z.string(),
        availability_status: z.string(),
        auto_offline: z.boolean(),
        permissions: z.array(z.string()),
        custom_role_id: z.null(),
        custom_role: z.null(),
      }),
    ),
  })
  .meta({ id: 'Profile' });

const UpdateProfileSchema = z.strictObject({
  profile: z.strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    display_name: z.string().trim().max(200).nullable().optional(),
    current_password: z.string().max(1024).optional(),
    password: z.string().min(8, { error: 'mínimo de 8 caracteres' }).max(1024).optional(),
    password_confirmation: z.string().max(1024).optional(),
  }),
});

const TokenSchema = z.object({
  id: z.number(),
  name: z.string(),
  token_hint: z.string(),
  created_at: z.date(),
  last_used_at: z.date().nullable().optional(),
});

export async function profileRoutes(
  app: FastifyInstance,
  options: { auth: AuthService; users: UsersRepo; memberships: MembershipCache },
) {
  const { auth, users } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Perfil'];

  // Built from the authenticated caller and cached memberships: the hot path asks the database nothing.
  async function loadProfile(principal: Principal) {
    const memberships = await options.memberships.of(principal.userId);
    const primary = memberships[0];
    return {
      id: principal.userId,
      access_token: principal.accessToken,
      account_id: primary?.account_id ?? null,
      available_name: principal.displayName ?? principal.name,
      avatar_url: '',
      confirmed: principal.confirmed,
      display_name: principal.displayName,
      message_signature: null,
      email: principal.email,
      name: principal.name,
      provider: 'email',
      role: primary?.role ?? null,
      ui_settings: {},
      uid: principal.email,
      type: 'User',
      custom_attributes: {},
      accounts: memberships.map((m) => ({
        id: m.account_id,
        name: m.account_name,
        status: 'active',
        role: m.role,
        availability: m.availability,
        availability_status: m.availability,
        auto_offline: m.auto_offline,
        permissions: m.role === 'administrator' ? ['administrator'] : ['agent'],
        custom_role_id: null,
        custom_role: null,
      })),
    };
  }

  api.get(
    '/profile',
    {
      schema: {
        tags,
        summary: 'Perfil do usuário autenticado (formato do Chatwoot)',
        response: { 200: ProfileSchema, ...errorResponses(401) },
      },
    },
    async (request) => {
      return loadProfile(principalOf(request));
    },
  );

  api.put(
    '/profile',
    {
      schema: {
        tags,
        summary: 'Atualizar nome e senha',
        body: UpdateProfileSchema,
        response: { 200: ProfileSchema, ...errorResponses(400, 401, 422) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { profile } = request.body;
      if (profile.password !== undefined) {
        if (profile.password_confirmation !== undefined && profile.password_confirmation !== profile.password) {
          throw new AppError('unprocessable', 'A confirmação não confere com a nova senha.', [
            { field: 'password_confirmation', message: 'diferente da senha' },
          ]);
        }
        const user = await users.findUserById(principal.userId);
        if (!(await verifyPassword(user?.password_hash, profile.current_password ?? ''))) {
          throw new AppError('unprocessable', 'A senha atual está incorreta.', [
            { field: 'current_password', message: 'incorreta' },
          ]);
        }
        await auth.setPassword(principal.userId, profile.password);
      }
      const updated = await users.updateUser(principal.userId, {
        ...(profile.name ? { name: profile.name } : {}),
        ...(profile.display_name !== undefined ? { display_name: profile.display_name } : {}),
      });
      if (!updated) throw notFound('Usuário');
      auth.forgetCachedCallers();
      return loadProfile({ ...principal, name: updated.name, displayName: updated.display_name });
    },
  );

  api.post(
    '/profile/availability',
    {
      schema: {
        tags,
        summary: 'Mudar a disponibilidade numa conta (online, ocupado, offline)',
        description:
          'Rota do Chatwoot. Só agentes "online" (available) entram no rodízio de atribuição automática das caixas de que são membros.',
        body: z.object({
          profile: z.object({
            availability: z.enum(['online', 'available', 'busy', 'offline']),
            account_id: z.number().int().positive(),
          }),
        }),
        response: { 200: ProfileSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { availability, account_id: accountId } = request.body.profile;
      const membership = await options.memberships.in(accountId, principal.userId);
      if (!membership) throw new AppError('not_found', 'Conta não encontrada.');
      // Chatwoot's clients say "online"; the stored value is the agent API's "available".
      await users.updateMembership(accountId, principal.userId, {
        availability: availability === 'online' ? 'available' : availability,
      });
      options.memberships.forget(principal.userId);
      return loadProfile(principal);
    },
  );

  api.get(
    '/profile/access_tokens',
    {
      schema: {
        tags,
        summary: 'Tokens de API pessoais (só os últimos caracteres)',
        response: { 200: z.object({ payload: z.array(TokenSchema) }) },
      },
    },
    async (request) => ({ payload: await auth.listPersonalTokens(principalOf(request).userId) }),
  );

  api.post(
    '/profile/access_tokens',
    {
      schema: {
        tags,
        summary: 'Criar um token de API pessoal (mostrado uma única vez)',
        body: z.strictObject({ name: z.string().trim().min(1).max(100) }),
        response: { 201: TokenSchema.extend({ token: z.string() }), ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const memberships = await options.memberships.of(principal.userId);
      const created = await auth.createPersonalToken({
        userId: principal.userId,
        name: request.body.name,
        ip: request.ip,
        accountId: memberships[0]?.account_id ?? null,
      });
      return reply.code(201).send(created);
    },
  );

  api.delete(
    '/profile/access_tokens/:token_id',
    {
      schema: {
        tags,
        summary: 'Revogar um token de API pessoal',
        params: z.object({ token_id: z.coerce.number().int().positive() }),
        response: { 200: z.object({ success: z.boolean() }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const revoked = await auth.revokePersonalToken(principalOf(request).userId, request.params.token_id);
      if (!revoked) throw notFound('Token');
      return { success: true };
    },
  );
}
