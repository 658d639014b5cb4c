import type { CryptoBackend, Identity, Sealpost } from '@sealpost/core';
import type { TestIdentity, TestPki } from '@sealpost/fixtures';

export interface BackendSuiteOptions {
  /** Backend name as used in reports and the CLI. */
  readonly name: string;
  readonly create: () => CryptoBackend | Promise<CryptoBackend>;
}

/** Filled in by the suite's beforeAll; sections read it inside their tests. */
export interface SuiteContext {
  backend: CryptoBackend;
  sp: Sealpost;
  pki: TestPki;
  /** Trust anchors: the test root only. */
  anchors: Uint8Array[];
}

export function identityOf(id: TestIdentity): Identity {
  return { certificate: id.cert, privateKey: { type: 'pkcs8', der: id.keyDer } };
}

export function codes(report: { errors: readonly { code: string }[] }): string[] {
  return report.errors.map((e) => e.code);
}
