export { createFuzzWorld, runCase, runMessage, type CaseResult, type FuzzWorld } from './world.js';
export { runFuzz, type FailureClass, type FuzzOptions, type FuzzReport, type ShrunkFailure } from './fuzz.js';
export { STRUCTURES, structureNamed, type Structure } from './structures.js';
export { materialize } from './materialize.js';
export { describeMutation, type FuzzCase, type Mutation } from './mutation.js';
export { OPERATIONS, failuresOf, isFailure, outcomeText, type Failure, type Operation, type Outcome } from './outcome.js';
export { renderReport } from './render.js';
export { renderReplay, replay, writeRepro } from './repro.js';
