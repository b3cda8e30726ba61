// Copies the screenshots the end-to-end tests took (target/screenshots/) into docs/console/, where the README links
// them. Run after `mvn verify -pl admin-ui`: npm run screenshots
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const from = resolve(here, '..', 'target', 'screenshots');
const to = resolve(here, '..', '..', 'docs', 'console');
mkdirSync(to, { recursive: true });
const files = readdirSync(from).filter((name) => name.endsWith('.png'));
for (const name of files) {
  copyFileSync(resolve(from, name), resolve(to, name));
}
console.log(`${files.length} screenshots copied into ${to}`);
