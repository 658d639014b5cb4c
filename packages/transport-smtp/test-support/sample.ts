import { isSealpostError, type ErrorCode, type SealpostError } from '@sealpost/core';
import { expect } from 'vitest';
import { makeServerCertificate, type ServerCertificate } from './test-certificates.js';

let certificate: Promise<ServerCertificate> | undefined;

/** The localhost certificate the test servers present, made once per test file. */
export function localhostCertificate(): Promise<ServerCertificate> {
  certificate ??= makeServerCertificate();
  return certificate;
}

/** A small plain message with CRLF line ends and lines that need dot-stuffing. */
export function sampleMessage(subject = 'Test'): Uint8Array {
  const lines = ['From: alice@example.com', 'To: bob@example.com', `Subject: ${subject}`, '', 'Hello.', '.a line that starts with a dot', '.', '..', 'end', ''];
  return new TextEncoder().encode(lines.join('\r\n'));
}

/** Awaits PROMISE, expects it to reject with a SealpostError of CODE, and returns that error. */
export async function rejectionOf(promise: Promise<unknown>, code: ErrorCode): Promise<SealpostError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSealpostError(error), `expected a SealpostError ${code}, got ${String(error)}`).toBe(true);
  const sealpostError = error as SealpostError;
  expect(sealpostError.code, sealpostError.message).toBe(code);
  return sealpostError;
}
