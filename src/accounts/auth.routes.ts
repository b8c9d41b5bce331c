import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertSameOrigin } from '../http/api-auth.js';
import { SESSION_COOKIE } from '../http/request-context.js';
import { errorResponses } from '../http/schemas.js';
import { type AuthService, SESSION_ABSOLUTE_MS } from './auth.service.js';

const SignInBodySchema = z.strictObject({
  email: z.string().trim().min(1, { error: 'informe o e-mail' }).max(320),
  password: z.string().min(1, { error: 'informe a senha' }).max(1024),
});

const SignInResponseSchema = z.object({
  data: z.object({
    id: z.number(),
    name: z.string(),
    display_name: z.string().nullable(),
    available_name: z.string(),
    email: z.string(),
    access_token: z.string(),
    account_id: z.number().nullable(),
    role: z.enum(['administrator', 'agent']).nullable(),
    provider: z.literal('email'),
    uid: z.string(),
    accounts: z.array(z.object({ id: z.number(), name: z.string(), role: z.enum(['administrator', 'agent']) })),
  }),
});

const SetPasswordBodySchema = z.strictObject({
  token: z.string().min(10).max(200),
  password: z.string().min(1).max(1024),
});

export async function authRoutes(app: FastifyInstance, options: { auth: AuthService; frontendUrl: string }) {
  const { auth } = options;
  const secureCookie = options.frontendUrl.startsWith('https://');
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/auth/sign_in',
    {
      schema: {
        tags: ['Autenticação'],
        security: [],
        summary: 'Entrar com e-mail e senha',
        description:
          'Devolve o usuário no formato do Chatwoot, um access_token ligado à sessão e o cookie de sessão (HttpOnly).',
        body: SignInBodySchema,
        response: { 200: SignInResponseSchema, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      // A browser posting the sign-in form must do so from our own origin (login CSRF).
      if (request.headers.origin) assertSameOrigin(request, options.frontendUrl);
      const result = await auth.signIn({
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      const primary = result.memberships[0];
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie,
        path: '/',
        maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
      });
      return {
        data: {
          id: result.user.id,
          name: result.user.name,
          display_name: result.user.display_name,
          available_name: result.user.display_name ?? result.user.name,
          email: result.user.email,
          access_token: result.accessToken,
          account_id: primary?.account_id ?? null,
          role: primary?.role ?? null,
          provider: 'email' as const,
          uid: result.user.email,
          accounts: result.memberships.map((m) => ({ id: m.account_id, name: m.account_name, role: m.role })),
        },
      };
    },
  );

  api.post(
    '/auth/sign_out',
    {
      schema: {
        tags: ['Autenticação'],
        security: [],
        summary: 'Sair (encerra a sessão do cookie)',
        response: { 200: z.object({ success: z.boolean() }), ...errorResponses(403) },
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) {
        assertSameOrigin(request, options.frontendUrl);
        const principal = await auth.authenticateSession(cookie);
        if (principal?.sessionId) await auth.signOut(principal.sessionId);
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { success: true };
    },
  );

  api.post(
    '/auth/password',
    {
      schema: {
        tags: ['Autenticação'],
        security: [],
        summary: 'Definir a senha com um link de convite ou de redefinição',
        body: SetPasswordBodySchema,
        response: { 200: z.object({ success: z.boolean() }), ...errorResponses(400, 404, 422) },
      },
    },
    async (request) => {
      await auth.setPasswordWithToken(request.body.token, request.body.password, request.ip);
      return { success: true };
    },
  );
}
