// ESLint's flat config for the whole workspace lives with its dependencies in tooling/lint.
export { default } from './tooling/lint/eslint.config.js';
