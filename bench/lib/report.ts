/** Shared output of the benchmarks: timing statistics and a markdown report printed and saved under bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** Timing summary of repeated runs, in milliseconds. */
export interface TimingStats {
  runs: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  runsPerSecond: number;
}

/** Nearest-rank percentile of sorted samples. */
export function pickPercentile(sorted: readonly number[], percentile: number): number {
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Runs `task` `warmups` times untimed, then `runs` times timed; returns percentiles and throughput. */
export function measureRuns(task: () => unknown, options: { warmups: number; runs: number }): TimingStats {
  for (let i = 0; i < options.warmups; i++) task();
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const started = performance.now();
    task();
    samples.push(performance.now() - started);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const meanMs = samples.reduce((sum, ms) => sum + ms, 0) / samples.length;
  return { runs: samples.length, p50Ms: pickPercentile(sorted, 50), p99Ms: pickPercentile(sorted, 99), meanMs, runsPerSecond: 1000 / meanMs };
}

/** Describes where the numbers were measured (date, Node version, cores) as a markdown line. */
export function describeMachine(): string {
  const cpuList = cpus();
  return `Measured ${new Date().toISOString()} on Node ${process.version}, ${cpuList.length} cores (${cpuList[0]?.model.trim() ?? 'unknown CPU'}), ${process.platform}/${process.arch}.`;
}

/** Prints the markdown report and writes it to bench/results/<name>.md. */
export function writeBenchReport(name: string, markdown: string): string {
  const directory = join(__dirname, '..', 'results');
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${name}.md`);
  writeFileSync(path, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  console.log(markdown);
  console.log(`(written to ${path})`);
  return path;
}
