import { z } from 'zod';
import { categories } from '@cashtrack/events';

/**
 * The shape the model must answer in, twice: as the strict JSON schema sent with the request
 * (the server constrains generation to it) and as the zod schema the answer is checked against
 * anyway, because an OpenAI-compatible server may ignore `strict` and a model may still say
 * anything. Bounds the JSON schema cannot express in strict mode live in `validateAnswer.ts`.
 */

export const answerSchemaName = 'expenses';

/** Strict mode wants every property required and no others allowed, at every level. */
export const answerJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['expenses'],
  properties: {
    expenses: {
      type: 'array',
      description: 'One entry per expense in the message; empty when it holds none.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['amount', 'currency', 'category', 'description', 'occurredOn'],
        properties: {
          amount: {
            type: 'string',
            description:
              'What the user paid for this expense, in major units as a plain decimal such as "12.50" or "1500"; no symbols or separators.',
          },
          currency: { type: 'string', description: 'ISO-4217 code such as "USD".' },
          category: { type: 'string', enum: [...categories] },
          description: { type: 'string', description: 'A short label, a few words.' },
          occurredOn: { type: 'string', description: 'Calendar date YYYY-MM-DD.' },
        },
      },
    },
  },
} as const;

/** More expenses than this in a 500-character message means the answer went wrong. */
export const maxExpensesPerAnswer = 20;

export const modelAnswerSchema = z.object({
  expenses: z
    .array(
      z.object({
        amount: z.string(),
        currency: z.string(),
        category: z.string(),
        description: z.string(),
        occurredOn: z.string(),
      }),
    )
    .max(maxExpensesPerAnswer),
});

export type ModelAnswer = z.infer<typeof modelAnswerSchema>;
export type ModelExpense = ModelAnswer['expenses'][number];
