// Measures what a browser loads before the first page shows: the entry script and the scripts index.html preloads,
// gzip-compressed. Fails the build when that passes the budget, so the figure stays true.
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 250 * 1024;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'target/classes/voicecore-console');
const html = readFileSync(resolve(dist, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const script of new Set(scripts)) {
  const size = gzipSync(readFileSync(resolve(dist, script))).length;
  total += size;
  console.log(`  ${script}: ${(size / 1024).toFixed(1)} kB gzip`);
}
console.log(`Initial JS: ${(total / 1024).toFixed(1)} kB gzip (budget ${BUDGET_BYTES / 1024} kB)`);
if (total > BUDGET_BYTES) {
  console.error('The console\'s initial JS is over budget: load more of it lazily (route-level lazy()).');
  process.exit(1);
}
