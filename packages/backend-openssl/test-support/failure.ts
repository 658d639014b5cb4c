import type { ProcessFailureDetail } from '../src/process.js';

/** What a rejected backend call carries: a SealpostError's fields, loosely typed for assertions. */
export interface Failure extends Error {
  readonly code: string;
  readonly detail?: Partial<ProcessFailureDetail>;
}

/** The error a promise rejects with; fails the test when it resolves instead. */
export async function failureOf(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected the operation to fail');
}
