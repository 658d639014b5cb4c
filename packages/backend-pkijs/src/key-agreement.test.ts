import { keyWrapVectorTests } from '@sealpost/conformance';
import { createContext } from './context.js';
import { pkijsPrimitives } from './primitives.js';

keyWrapVectorTests('WebCrypto AES-KW', () => pkijsPrimitives(createContext({})));
