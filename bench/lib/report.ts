/** Shared output of the benchmarks: timing statistics and a markdown report printed and saved under bench/results/. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
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

/** Where the machine's CPU time went over a measured interval, in % of all cores' time. */
export interface MachineTimeShares {
  busyPercent: number;
  idlePercent: number;
  /** Time the hypervisor gave to other guests while ours wanted to run. */
  stealPercent: number;
}

// The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal (in clock ticks).
function readCpuTicks(): number[] | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find((entry) => entry.startsWith('cpu '));
  return line?.trim().split(/\s+/).slice(1, 9).map(Number);
}

/**
 * Starts measuring the machine's CPU shares (Linux only); `stop` returns them, undefined elsewhere.
 * Time stolen by the hypervisor is CPU this VM wanted and did not get: it lowers every number.
 */
export function startMachineTimeMeter(): { stop: () => MachineTimeShares | undefined } {
  const before = readCpuTicks();
  return {
    stop() {
      const after = readCpuTicks();
      if (!before || !after) return undefined;
      const delta = after.map((ticks, index) => ticks - (before[index] ?? 0));
      const total = delta.reduce((sum, ticks) => sum + ticks, 0) || 1;
      const share = (ticks: number) => (100 * ticks) / total;
      const idle = (delta[3] ?? 0) + (delta[4] ?? 0);
      const steal = delta[7] ?? 0;
      return { busyPercent: share(total - idle - steal), idlePercent: share(idle), stealPercent: share(steal) };
    },
  };
}

/** A report line naming the machine's CPU shares during the run (empty when unknown). */
export function describeMachineTime(shares: MachineTimeShares | undefined): string {
  if (!shares) return '';
  return `CPU time during the run: ${shares.busyPercent.toFixed(0)} % busy, ${shares.idlePercent.toFixed(0)} % idle, ${shares.stealPercent.toFixed(0)} % stolen by the hypervisor.`;
}

/** Single-thread speed of the machine right now: fixed pieces of work, in time per operation. */
export interface MachineSpeed {
  rsaDecryptMs: number;
  jsonRoundTripUs: number;
}

/**
 * Times two fixed pieces of work on one thread: an RSA-2048 OAEP-SHA256 decryption (the Flows
 * endpoint's biggest cost) and a JSON round trip of a webhook-sized object. On this VM the same
 * code ran up to twice as slow in some hours as in others, with little time stolen by the
 * hypervisor: these per-operation times say which kind of hour a report was measured in.
 */
export function measureMachineSpeed(): MachineSpeed {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
  const wrapped = publicEncrypt({ key: publicKey, ...oaep }, randomBytes(16));
  const decrypt = () => privateDecrypt({ key: privateKey, ...oaep }, wrapped);
  const sample = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: [{ from: '34600000000', id: 'wamid.x', timestamp: '1795000000', type: 'text', text: { body: 'hi' } }] } }] }] };
  const roundTrip = () => JSON.parse(JSON.stringify(sample)) as unknown;
  // Best of three rounds: a round that a neighbour's burst slowed down says less about the hour.
  const best = (task: () => unknown, runs: number) => Math.min(...[0, 1, 2].map(() => measureRuns(task, { warmups: runs / 10, runs }).meanMs));
  return { rsaDecryptMs: best(decrypt, 100), jsonRoundTripUs: best(roundTrip, 20_000) * 1000 };
}

/** A report line with the machine's speed check (lower is faster; compare runs by it). */
export function describeMachineSpeed(speed: MachineSpeed): string {
  return `Machine speed check before the run (one thread, lower is faster): RSA-2048 OAEP decryption ${speed.rsaDecryptMs.toFixed(2)} ms, JSON round trip of a webhook ${speed.jsonRoundTripUs.toFixed(1)} µs. Compare runs of similar speed.`;
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
