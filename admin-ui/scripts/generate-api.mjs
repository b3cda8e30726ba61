// Generates the typed API description from the kernel's, the marketplace's and the core plugins' OpenAPI documents (the only contract the
// console talks through). The output is git-ignored and made again by every build.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const documents = {
  kernel: 'kernel/src/main/resources/openapi.yaml',
  marketplace: 'marketplace/src/main/resources/io/voicecore/marketplace/openapi.yaml',
  // The core plugins' own documents: paths relative to /api/v1/tenants/{tenant}/<plugin id> (src/api/client.ts).
  crm: 'core-plugins/crm/src/main/resources/openapi.yaml',
  receptionist: 'core-plugins/receptionist/src/main/resources/openapi.yaml',
  voice: 'core-plugins/voice/src/main/resources/openapi.yaml',
  'ai-gateway': 'core-plugins/ai-gateway/src/main/resources/openapi.yaml',
};
const out = resolve(root, 'admin-ui/src/api/generated');
mkdirSync(out, { recursive: true });
for (const [name, path] of Object.entries(documents)) {
  let text = readFileSync(resolve(root, path), 'utf8');
  // The marketplace's document is a fragment the kernel merges into its own: give it the header a document needs.
  if (!/^openapi:/m.test(text)) {
    text = `openapi: 3.1.0\ninfo:\n  title: ${name}\n  version: '0'\n` + text;
  }
  const ast = await openapiTS(text);
  writeFileSync(resolve(out, `${name}.ts`), `// Generated from ${path} by scripts/generate-api.mjs; do not edit.\n` + astToString(ast));
}
console.log(`API types generated into ${out}`);
