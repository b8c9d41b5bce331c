import { z } from 'zod';
import { FILTER_OPERATORS } from '../../inbox/contact-filter.js';

/** Chatwoot's filter body (contacts and conversations): lines joined by AND/OR, AND binding tighter. */
export const FilterBodySchema = z.strictObject({
  payload: z
    .array(
      z.strictObject({
        attribute_key: z.string().min(1).max(100),
        filter_operator: z.enum(FILTER_OPERATORS),
        values: z
          .array(z.union([z.string().max(500), z.number(), z.boolean()]))
          .max(100)
          .default([]),
        query_operator: z.enum(['and', 'or', 'AND', 'OR']).nullable().optional(),
        // Sent by Chatwoot's own front end; the attribute key alone decides here.
        attribute_model: z.string().optional(),
        custom_attribute_type: z.string().optional(),
      }),
    )
    .min(1, { error: 'informe ao menos uma condição' })
    .max(50),
});
