import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { serializeAssignee, unix } from '../../compat/chatwoot/serializers.js';
import { accountOf } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses } from '../../http/schemas.js';
import { crmActorOf } from '../pipeline/actor.js';
import { idQuery } from '../pipeline/crm-schemas.js';
import type { NoteView } from './notes.repo.js';
import type { NotesService } from './notes.service.js';

const NoteSchema = z
  .object({
    id: z.number(),
    content: z.string(),
    account_id: z.number(),
    contact_id: z.number(),
    user: z
      .object({
        id: z.number(),
        name: z.string(),
        available_name: z.string(),
        email: z.string(),
        thumbnail: z.string(),
        role: z.string(),
      })
      .optional(),
    created_at: z.number().meta({ description: 'Segundos Unix, como no Chatwoot' }),
    updated_at: z.number(),
  })
  .meta({ id: 'ContactNote' });

const serializeNote = (accountId: number, note: NoteView): z.infer<typeof NoteSchema> => {
  const user =
    note.user_id !== null && note.user_name !== null
      ? serializeAssignee({
          id: note.user_id,
          name: note.user_name,
          display_name: note.user_display_name,
          email: note.user_email ?? '',
        })
      : null;
  const at = unix(note.created_at) ?? 0;
  return {
    id: note.id,
    content: note.content,
    account_id: accountId,
    contact_id: note.contact_id,
    ...(user ? { user } : {}),
    created_at: at,
    // Notes are not edited, so they change when they are written.
    updated_at: at,
  };
};

const content = z
  .string({ error: 'content: escreva a nota' })
  .trim()
  .min(1, { error: 'content: escreva a nota' })
  .max(50_000);
// Chatwoot accepts the fields at the top level or wrapped in `note`.
const CreateNoteSchema = z.union([z.strictObject({ content }), z.strictObject({ note: z.strictObject({ content }) })], {
  error: 'content: escreva a nota',
});
const ContactNotesParams = AccountParamsSchema.extend({ id: idQuery('id') });
const NoteParams = ContactNotesParams.extend({ note_id: idQuery('note_id') });

/** Chatwoot's contact notes: `/contacts/:id/notes` (a bare array, Unix times, newest first). */
export async function contactNotesRoutes(app: FastifyInstance, deps: { notes: NotesService }) {
  const { notes } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Contatos (compatível com Chatwoot)'];

  api.get(
    '/:id/notes',
    {
      schema: {
        tags,
        summary: 'Notas do contato, da mais recente à mais antiga (até 200)',
        params: ContactNotesParams,
        response: { 200: z.array(NoteSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const accountId = accountOf(request).id;
      return (await notes.list(accountId, request.params.id)).map((note) => serializeNote(accountId, note));
    },
  );

  api.post(
    '/:id/notes',
    {
      schema: {
        tags,
        summary: 'Escrever uma nota sobre o contato',
        params: ContactNotesParams,
        body: CreateNoteSchema,
        response: { 200: NoteSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const body = request.body;
      const text = 'note' in body ? body.note.content : body.content;
      const note = await notes.create(crmActorOf(request), request.params.id, text);
      return serializeNote(accountOf(request).id, note);
    },
  );

  api.get(
    '/:id/notes/:note_id',
    {
      schema: {
        tags,
        summary: 'Ver uma nota',
        params: NoteParams,
        response: { 200: NoteSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const accountId = accountOf(request).id;
      return serializeNote(accountId, await notes.show(accountId, request.params.id, request.params.note_id));
    },
  );

  api.delete(
    '/:id/notes/:note_id',
    {
      schema: {
        tags,
        summary: 'Excluir uma nota (quem escreveu ou administradores)',
        params: NoteParams,
        response: {
          200: z.null().meta({ description: 'Corpo vazio, como no Chatwoot' }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await notes.remove(crmActorOf(request), request.params.id, request.params.note_id);
      return reply.code(200).send(null);
    },
  );
}
