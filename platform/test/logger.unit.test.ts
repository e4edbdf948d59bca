import { describe, expect, it } from '@jest/globals';
import { chooseLogFormat } from '../src/logger.ts';

describe('chooseLogFormat', () => {
  it('is pretty on a terminal, for the person reading it', () => {
    expect(chooseLogFormat({ isTTY: true }, undefined)).toBe('pretty');
  });

  it('stays JSON when piped or redirected, for the program reading it', () => {
    expect(chooseLogFormat({ isTTY: false }, undefined)).toBe('json');
    // A pipe's stream has no isTTY at all.
    expect(chooseLogFormat({}, undefined)).toBe('json');
  });

  it('follows LOG_FORMAT when it names a format, and ignores anything else', () => {
    expect(chooseLogFormat({ isTTY: true }, 'json')).toBe('json');
    expect(chooseLogFormat({}, 'pretty')).toBe('pretty');
    expect(chooseLogFormat({ isTTY: true }, 'yaml')).toBe('pretty');
    expect(chooseLogFormat({}, '')).toBe('json');
  });
});
