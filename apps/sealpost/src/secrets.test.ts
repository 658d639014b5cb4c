import { afterEach, describe, expect, it } from 'vitest';
import { passphraseFromEnv } from './identity.js';
import { refuseSecretFlags, secretFromEnv } from './secrets.js';

afterEach(() => {
  delete process.env['SEALPOST_TEST_SECRET'];
});

describe('refuseSecretFlags', () => {
  it.each([
    ['--api-key', 'SPARKPOST_API_KEY'],
    ['--sparkpost-api-key=abc', 'SPARKPOST_API_KEY'],
    ['--smtp-password', 'SMTP_URL'],
    ['--password', 'SMTP_PASSWORD'],
    ['--token', '--token-env VAR'],
  ])('refuses %s and says where the secret goes (%s)', (flag, where) => {
    expect(() => refuseSecretFlags(['send', '--via', 'smtp', flag, 'x'])).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: expect.stringContaining(where) }));
  });

  it('lets other flags through, and anything after --', () => {
    expect(() => refuseSecretFlags(['send', '--via', 'sparkpost', '--subject', 'keys', '--', '--api-key'])).not.toThrow();
  });
});

describe('secretFromEnv', () => {
  it('reads the variable, refuses an unset or empty one, and a value that is not a variable name', () => {
    process.env['SEALPOST_TEST_SECRET'] = 's3cret';
    expect(secretFromEnv('SEALPOST_TEST_SECRET', 'a test secret')).toBe('s3cret');
    process.env['SEALPOST_TEST_SECRET'] = '';
    expect(() => secretFromEnv('SEALPOST_TEST_SECRET', 'a test secret')).toThrow(expect.objectContaining({ code: 'ERR_SECRET_MISSING' }));
    expect(() => secretFromEnv('abc-def=1', 'a test secret', '--token-env')).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: expect.stringContaining('--token-env takes the name') }));
  });

  it('never repeats a value that is not a variable name: it may be the secret itself', () => {
    for (const check of [() => secretFromEnv('hunter2-token!', 'a test secret', '--token-env'), () => passphraseFromEnv('hunter2-pass!')]) {
      expect(check).toThrow(expect.objectContaining({ code: 'ERR_USAGE' }));
      expect(check).not.toThrow(/hunter2/);
    }
  });
});
