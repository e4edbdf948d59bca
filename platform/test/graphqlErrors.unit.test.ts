import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { EventValidationError } from '@cashtrack/events';
import { CodedError, createLogger, withCorrelation } from '../src/index.ts';
import { createErrorFormatter } from '../src/graphql/index.ts';

const format = createErrorFormatter(createLogger('test'));

function thrownInResolver(error: Error): [GraphQLError, unknown] {
  const wrapped = new GraphQLError(error.message, { path: ['signUp'], originalError: error });
  return [wrapped, wrapped];
}

describe('the error formatter', () => {
  it('shows a coded error with its code and details', () => {
    const [formatted, error] = thrownInResolver(
      new CodedError('EMAIL_TAKEN', 'taken', { field: 'email' }),
    );
    expect(format(formatted.toJSON(), error)).toMatchObject({
      message: 'taken',
      extensions: { code: 'EMAIL_TAKEN', field: 'email' },
    });
  });

  it('never shows an event validation error: internal, with the correlation id to quote', () => {
    const invalid = new EventValidationError(
      [{ path: 'payload.email', message: 'must be an email address' }],
      { type: 'UserRegistered', eventId: '0b7f6d0e-5c59-4d7e-9d8a-3a1f0a9c2b11' },
    );
    const [formatted, error] = thrownInResolver(invalid);
    const shown = withCorrelation('corr-42', () => format(formatted.toJSON(), error));
    expect(shown).toEqual({
      message: 'Internal server error',
      locations: undefined,
      path: ['signUp'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId: 'corr-42' },
    });
    expect(JSON.stringify(shown)).not.toMatch(/UserRegistered|0b7f6d0e|INVALID_EVENT|email/);
  });
});
