import { describe, expect, it } from 'vitest';
import { resolveSettings } from './settings.js';
import { redactSmtpUrl } from './smtp-url.js';

const PASSWORD = 'hunter2-very-secret';

function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('resolveSettings', () => {
  it('reads smtp:// with the require policy and port 587 by default', () => {
    const settings = resolveSettings({ url: `smtp://alice:${PASSWORD}@mail.example.com` });
    expect(settings).toMatchObject({ host: 'mail.example.com', port: 587, tls: 'require', auth: { user: 'alice', pass: PASSWORD } });
  });

  it('reads smtps:// as implicit TLS on 465', () => {
    expect(resolveSettings({ url: 'smtps://mail.example.com' })).toMatchObject({ port: 465, tls: 'implicit', auth: undefined });
    expect(resolveSettings({ url: 'smtps://mail.example.com:2465' }).port).toBe(2465);
  });

  it('percent-decodes user and password', () => {
    expect(resolveSettings({ url: 'smtp://a%40b.example:p%3Aw%2F%25@h.example:25' }).auth).toEqual({ user: 'a@b.example', pass: 'p:w/%' });
  });

  it('reads IPv6 hosts without brackets', () => {
    expect(resolveSettings({ url: 'smtp://[::1]:2525' })).toMatchObject({ host: '::1', port: 2525 });
  });

  it('takes host, port, auth and tls as options', () => {
    const settings = resolveSettings({ host: 'h.example', tls: 'implicit', auth: { user: 'u', pass: 'p', method: 'LOGIN' } });
    expect(settings).toMatchObject({ host: 'h.example', port: 465, tls: 'implicit', auth: { user: 'u', pass: 'p', method: 'LOGIN' } });
  });

  it('has defaults for timeouts, retry and pool', () => {
    const settings = resolveSettings({ host: 'h.example', pool: true });
    expect(settings.timeouts).toEqual({ connection: 30_000, greeting: 30_000, socket: 600_000 });
    expect(settings.retry).toEqual({ attempts: 3, initialDelay: 1_000, maxDelay: 30_000 });
    expect(settings.pool).toEqual({ maxConnections: 5, maxMessages: 100 });
    expect(resolveSettings({ host: 'h.example' }).pool).toBeUndefined();
  });

  it('turns a DER ca into PEM and keeps PEM as it is', () => {
    const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    const [pem] = resolveSettings({ host: 'h.example', ca: der }).ca ?? [];
    expect(pem).toBe('-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n');
    expect(resolveSettings({ host: 'h.example', ca: ['PEM TEXT'] }).ca).toEqual(['PEM TEXT']);
  });

  it.each([
    ['neither url nor host', {}],
    ['both url and host', { url: 'smtp://a.example', host: 'b.example' }],
    ['another scheme', { url: 'http://a.example' }],
    ['settings in a query', { url: 'smtp://a.example?tls=opportunistic' }],
    ['a path', { url: 'smtp://a.example/x' }],
    ['smtps with another policy', { url: 'smtps://a.example', tls: 'require' as const }],
    ['an unknown policy', { host: 'a.example', tls: 'sometimes' as never }],
    ['credentials twice', { url: 'smtp://u:p@a.example', auth: { user: 'u', pass: 'p' } }],
    ['a user without password', { url: 'smtp://u@a.example' }],
    ['an empty password', { host: 'a.example', auth: { user: 'u', pass: '' } }],
    ['an EHLO name with a line break', { host: 'a.example', name: 'x\r\nMAIL FROM:<evil>' }],
    ['an empty ca list', { host: 'a.example', ca: [] }],
  ])('refuses %s with a TypeError', (_name, options) => {
    expect(thrownBy(() => resolveSettings(options))).toBeInstanceOf(TypeError);
  });

  it.each([
    ['port 0', { host: 'a.example', port: 0 }],
    ['a fractional timeout', { host: 'a.example', timeouts: { socket: 1.5 } }],
    ['zero attempts', { host: 'a.example', retry: { attempts: 0 } }],
    ['no connections', { host: 'a.example', pool: { maxConnections: 0 } }],
  ])('refuses %s with a RangeError', (_name, options) => {
    expect(thrownBy(() => resolveSettings(options))).toBeInstanceOf(RangeError);
  });

  it('never repeats the url (and its password) in an error', () => {
    for (const url of [`smtp://u:${PASSWORD}@`, `smtp://u:${PASSWORD}@a.example/path`, `ftp://u:${PASSWORD}@a.example`, `smtp://u:${PASSWORD}%zz@a.example`]) {
      const error = thrownBy(() => resolveSettings({ url }));
      expect(error).toBeInstanceOf(TypeError);
      expect(`${error.message} ${String(error.cause)} ${JSON.stringify(error)}`).not.toContain(PASSWORD);
    }
  });
});

describe('redactSmtpUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactSmtpUrl(`smtp://alice:${PASSWORD}@mail.example.com:587`)).toBe('smtp://alice:redacted@mail.example.com:587');
    expect(redactSmtpUrl('smtps://mail.example.com')).toBe('smtps://mail.example.com');
    expect(redactSmtpUrl(`not a url ${PASSWORD}`)).toBe('[invalid SMTP url]');
  });
});
