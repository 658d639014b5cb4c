import { describe, expect, it } from 'vitest';
import { connectionOptionsFor } from './connection-options.js';
import { resolveSettings } from './settings.js';

describe('connectionOptionsFor', () => {
  it('require: STARTTLS mandatory, certificate verified, TLS 1.2 or later', () => {
    const options = connectionOptionsFor(resolveSettings({ host: 'mail.example.com', ca: 'PEM', servername: 'smtp.example.com' }));
    expect(options).toMatchObject({ secure: false, requireTLS: true, ignoreTLS: false, opportunisticTLS: false, servername: 'smtp.example.com' });
    expect(options.tls).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2', ca: ['PEM'], servername: 'smtp.example.com' });
  });

  it('implicit: TLS from the first byte, verified', () => {
    const options = connectionOptionsFor(resolveSettings({ url: 'smtps://mail.example.com' }));
    expect(options).toMatchObject({ secure: true, port: 465, tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' } });
  });

  it('opportunistic: STARTTLS if offered, unverified, plaintext otherwise', () => {
    const options = connectionOptionsFor(resolveSettings({ host: 'mail.example.com', tls: 'opportunistic' }));
    expect(options).toMatchObject({ secure: false, requireTLS: false, opportunisticTLS: true, tls: { rejectUnauthorized: false } });
  });

  it('never turns on nodemailer logging', () => {
    expect(connectionOptionsFor(resolveSettings({ host: 'mail.example.com' }))).toMatchObject({ logger: false, debug: false, transactionLog: false });
  });
});
