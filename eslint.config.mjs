import { config } from '@n8n/node-cli/eslint';

// The package's own code (nodes/, credentials/) gets n8n's community configuration unchanged, cloud rules
// included. test/ is the test tooling (simulator, harness, benchmarks): it runs in plain Node, never inside n8n,
// and is type-checked by its own tsconfig.test.json.
export default [{ ignores: ['test/**', 'coverage/**'] }, ...config];
