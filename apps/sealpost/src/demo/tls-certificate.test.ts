import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { makeLocalhostCertificate } from './tls-certificate.js';

function handshake(host: string, ca: string | undefined, server: { certPem: string; keyPem: string }): Promise<string> {
  return new Promise((resolve) => {
    const tls = createServer({ cert: server.certPem, key: server.keyPem }, (socket) => socket.end());
    tls.listen(0, '127.0.0.1', () => {
      const port = (tls.address() as AddressInfo).port;
      const socket = connect({ host: '127.0.0.1', port, ...(host === '127.0.0.1' ? {} : { servername: host }), ...(ca === undefined ? {} : { ca }) });
      const done = (result: string): void => {
        socket.destroy();
        tls.close();
        resolve(result);
      };
      socket.on('secureConnect', () => done('ok'));
      socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    });
  });
}

describe('makeLocalhostCertificate', () => {
  const cert = makeLocalhostCertificate();

  it('is a self-signed certificate for localhost and 127.0.0.1, valid now, for server authentication', () => {
    const x509 = new X509Certificate(cert.certPem);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('example.com')).toBeUndefined();
    expect(x509.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(new Date(x509.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(Date.now());
  });

  it('verifies in a real TLS handshake when given as the only CA, by name and by address', async () => {
    expect(await handshake('localhost', cert.certPem, cert)).toBe('ok');
    expect(await handshake('127.0.0.1', cert.certPem, cert)).toBe('ok');
  });

  it('is refused without it, and for another name', async () => {
    expect(await handshake('localhost', undefined, cert)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await handshake('mail.example.com', cert.certPem, cert)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
