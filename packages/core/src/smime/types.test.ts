import { describe, expectTypeOf, it } from 'vitest';
import type { SignerCheck } from '../backend.js';
import type { ErrorCode } from '../errors.js';
import type { ChainError } from '../pki/types.js';
import type { ReportError, SendError } from './types.js';

// Checked by the typecheck (tsc over the tests): callers switch on these codes, so they are the union.
describe('report error codes', () => {
  it('are the ErrorCode union wherever core makes them', () => {
    expectTypeOf<ReportError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<NonNullable<SignerCheck['error']>['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<ChainError['code']>().toEqualTypeOf<ErrorCode>();
  });

  it('leave send reports open to an application’s own codes, core’s included', () => {
    expectTypeOf<ErrorCode>().toExtend<SendError['code']>();
    expectTypeOf<'ERR_NOT_SENT'>().toExtend<SendError['code']>();
  });
});
