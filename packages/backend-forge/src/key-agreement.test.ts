import { keyWrapVectorTests } from '@sealpost/conformance';
import { createContext } from './context.js';
import { forgePrimitives } from './primitives.js';

keyWrapVectorTests('@noble/ciphers aeskw', () => forgePrimitives(createContext({})));
