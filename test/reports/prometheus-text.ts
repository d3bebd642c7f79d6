/**
 * A small reader of Prometheus' text exposition format (0.0.4), strict enough to catch what a
 * scraper would reject: samples without HELP/TYPE, malformed histograms.
 */

/** One sample line. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family with its HELP, TYPE and samples. */
export interface Family {
  name: string;
  help?: string;
  type?: string;
  samples: Sample[];
}

const SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created'];

/** Parses the exposition text into families by name; throws on a line it cannot read. */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    const found = families.get(name) ?? { name, samples: [] };
    families.set(name, found);
    return found;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') family(meta[2]!).help = meta[3]!;
      else family(meta[2]!).type = meta[3]!;
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( \d+)?$/.exec(line);
    if (!sample) throw new Error(`unreadable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    const name = sample[1]!;
    const owner = families.has(name) ? name : (SUFFIXES.map((suffix) => (name.endsWith(suffix) ? name.slice(0, -suffix.length) : '')).find((base) => base && families.has(base)) ?? name);
    // Go's float syntax, as Prometheus reads it: NaN and Inf in any letter case.
    const raw = sample[4]!.toLowerCase();
    const value = raw === '+inf' || raw === 'inf' ? Infinity : raw === '-inf' ? -Infinity : raw === 'nan' ? NaN : Number(raw);
    if (Number.isNaN(value) && raw !== 'nan') throw new Error(`unreadable value in: ${line}`);
    family(owner).samples.push({ name, labels, value });
  }
  return families;
}

/** Problems of the families: missing HELP/TYPE, histograms whose buckets are not cumulative or whose +Inf differs from _count. */
export function findExpositionProblems(families: Map<string, Family>): string[] {
  const problems: string[] = [];
  for (const family of families.values()) {
    if (!family.help) problems.push(`${family.name}: no HELP`);
    if (!family.type) problems.push(`${family.name}: no TYPE`);
    if (family.type !== 'histogram') continue;
    const series = new Map<string, { buckets: Array<{ le: number; value: number }>; count?: number; sum?: number }>();
    for (const sample of family.samples) {
      const { le, ...rest } = sample.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      const entry = series.get(key) ?? { buckets: [] };
      series.set(key, entry);
      if (sample.name === `${family.name}_bucket`) entry.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), value: sample.value });
      else if (sample.name === `${family.name}_count`) entry.count = sample.value;
      else if (sample.name === `${family.name}_sum`) entry.sum = sample.value;
    }
    for (const [key, entry] of series) {
      const sorted = [...entry.buckets].sort((a, b) => a.le - b.le);
      if (sorted.length === 0 || sorted[sorted.length - 1]!.le !== Infinity) problems.push(`${family.name}${key}: no +Inf bucket`);
      for (let index = 1; index < sorted.length; index += 1) {
        if (sorted[index]!.value < sorted[index - 1]!.value) problems.push(`${family.name}${key}: bucket le=${sorted[index]!.le} below le=${sorted[index - 1]!.le}`);
      }
      if (entry.count === undefined || entry.sum === undefined) problems.push(`${family.name}${key}: no _count or _sum`);
      else if (sorted.length > 0 && sorted[sorted.length - 1]!.value !== entry.count) problems.push(`${family.name}${key}: +Inf bucket ${sorted[sorted.length - 1]!.value} ≠ _count ${entry.count}`);
    }
  }
  return problems;
}

/** The sum of a family's samples named `name` whose labels include `labels`. */
export function sumOf(families: Map<string, Family>, family: string, name: string, labels: Record<string, string> = {}): number {
  return (families.get(family)?.samples ?? [])
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}
