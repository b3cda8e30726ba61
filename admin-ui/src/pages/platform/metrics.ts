/** One sample of the Prometheus text format: a metric name, its labels and its value. */
export interface Sample { name: string; labels: Record<string, string>; value: number }

/** Reads the Prometheus text exposition format (comments and malformed lines skipped). */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, '$1');
    }
    const value = Number(match[4]);
    if (!Number.isNaN(value)) samples.push({ name: match[1]!, labels, value });
  }
  return samples;
}

/** The sum over every sample of the metrics whose name starts with one of the prefixes; null when there is none. */
export function total(samples: Sample[], ...prefixes: string[]): number | null {
  const matching = samples.filter((s) => prefixes.some((p) => s.name === p || s.name.startsWith(p)));
  return matching.length === 0 ? null : matching.reduce((sum, s) => sum + s.value, 0);
}
