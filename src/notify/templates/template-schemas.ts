import { z } from 'zod';
import { InstantOut } from '../../crm/pipeline/crm-schemas.js';

const parameter = z
  .string({ error: 'cada parâmetro é um texto, ex.: "{{client.first_name}}"' })
  .trim()
  .min(1, { error: 'o parâmetro não pode ficar vazio' })
  .max(1024, { error: 'no máximo 1024 caracteres' });

// Positional ({{1}}, {{2}}…) as a list; Meta's named parameters ({{nome}}) as an object.
const ParametersSchema = z.union(
  [
    z.array(parameter).max(60),
    z.record(
      z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: 'nome de parâmetro: minúsculas, números e _' }),
      parameter,
    ),
  ],
  { error: 'use uma lista de textos (parâmetros {{1}}, {{2}}…) ou um objeto {nome: texto} (parâmetros nomeados)' },
);

export const WhatsappVariantSchema = z
  .strictObject({
    template_name: z
      .string({ error: 'informe o nome do modelo aprovado na Meta' })
      .trim()
      .min(1, { error: 'informe o nome do modelo aprovado na Meta' })
      .max(512),
    language: z
      .string()
      .trim()
      .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, { error: 'idioma como a Meta escreve, ex.: pt_BR' })
      .default('pt_BR'),
    header_params: ParametersSchema.optional(),
    body_params: ParametersSchema.default([]),
    button_payloads: z
      .array(z.string().trim().min(1, { error: 'o payload não pode ficar vazio' }).max(256).nullable(), {
        error: 'lista de payloads dos botões de resposta rápida (null pula um botão)',
      })
      .max(10)
      .optional(),
  })
  .meta({
    description:
      'Modelo aprovado na Meta, usado fora da janela de 24 horas. Parâmetros e payloads aceitam variáveis ({{client.first_name}}).',
  });
export type WhatsappVariant = z.infer<typeof WhatsappVariantSchema>;

const variantText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `${what} não pode ficar vazio (use null para remover)` })
    .max(max, { error: `no máximo ${max} caracteres` })
    .nullable();

const fields = {
  name: z
    .string({ error: 'informe o nome do modelo' })
    .trim()
    .min(1, { error: 'informe o nome do modelo' })
    .max(200, { error: 'no máximo 200 caracteres' }),
  category: z.enum(['utility', 'marketing'], { error: 'category: utility ou marketing' }),
  whatsapp: WhatsappVariantSchema.nullable(),
  text: variantText(4096, 'o texto').meta({ description: 'Texto livre, enviado com a janela de 24 horas aberta.' }),
  sms: variantText(1600, 'o SMS').meta({ description: 'Texto do SMS (quando o WhatsApp não alcança o contato).' }),
};

const hasVariant = (body: { whatsapp?: unknown; text?: unknown; sms?: unknown }) =>
  Boolean(body.whatsapp ?? body.text ?? body.sms);
const ONE_VARIANT = { error: 'informe ao menos uma variante: whatsapp, text ou sms', path: ['whatsapp'] };

export const TemplateInputSchema = z
  .strictObject({
    name: fields.name,
    category: fields.category,
    whatsapp: fields.whatsapp.optional(),
    text: fields.text.optional(),
    sms: fields.sms.optional(),
  })
  .refine(hasVariant, ONE_VARIANT)
  .meta({ id: 'NotificationTemplateBody' });
export type TemplateInput = z.infer<typeof TemplateInputSchema>;

export const TemplatePatchSchema = z
  .strictObject({
    name: fields.name.optional(),
    category: fields.category.optional(),
    whatsapp: fields.whatsapp.optional(),
    text: fields.text.optional(),
    sms: fields.sms.optional(),
  })
  .meta({ id: 'NotificationTemplatePatch' });
export type TemplatePatch = z.infer<typeof TemplatePatchSchema>;

/** A saved template, its WhatsApp variant already checked. */
export interface NotificationTemplate {
  id: number;
  account_id: number;
  name: string;
  category: 'utility' | 'marketing';
  whatsapp: WhatsappVariant | null;
  text: string | null;
  sms: string | null;
  created_at: Date;
  updated_at: Date;
}

export const NotificationTemplateSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    category: z.enum(['utility', 'marketing']),
    whatsapp: WhatsappVariantSchema.nullable(),
    text: z.string().nullable(),
    sms: z.string().nullable(),
    created_at: InstantOut,
    updated_at: InstantOut,
  })
  .meta({ id: 'NotificationTemplate' });

export const serializeTemplate = (template: NotificationTemplate) => ({
  id: template.id,
  name: template.name,
  category: template.category,
  whatsapp: template.whatsapp,
  text: template.text,
  sms: template.sms,
  created_at: template.created_at.toISOString(),
  updated_at: template.updated_at.toISOString(),
});

const PreviewIds = {
  event_id: z.number().int().positive().optional(),
  contact_id: z.number().int().positive().optional(),
  assignment_id: z.number().int().positive().optional(),
};
export const PreviewSchema = z.strictObject(PreviewIds);
export const LivePreviewSchema = z.strictObject({ template: TemplateInputSchema, ...PreviewIds });
export type PreviewIdsInput = z.infer<typeof PreviewSchema>;

export const PreviewResultSchema = z
  .object({
    text: z.string().nullable(),
    sms: z.string().nullable(),
    whatsapp: z
      .object({
        name: z.string(),
        language: z.string(),
        components: z.array(z.record(z.string(), z.unknown())),
        body_text: z
          .string()
          .nullable()
          .meta({ description: 'O corpo aprovado na Meta com os parâmetros, se sincronizado.' }),
      })
      .nullable(),
  })
  .meta({ id: 'NotificationTemplatePreview' });

export const VariableCatalogSchema = z
  .object({
    variables: z.array(
      z.object({ path: z.string(), description: z.string(), example: z.string(), filters: z.array(z.string()) }),
    ),
    filters: z.array(z.object({ name: z.string(), description: z.string() })),
  })
  .meta({ id: 'NotificationTemplateVariables' });
