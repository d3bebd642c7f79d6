/**
 * Checks Flow JSON files offline: `npx tsx src/flows/check-cli.ts [files...]` (default: every
 * *.json in flows/). Prints `OK <file>` or each violation; exits 1 if any file has a violation.
 * Files are checked as publishable (Flow JSON 5.1+) unless `--any-version` is given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkFlowJson, listFlowsInDocument } from './flow-json-checker';
import type { FlowJsonViolation } from './flow-json-violation';

/** Checks one file and returns the printable lines and whether it passed. */
export function checkFlowFile(file: string, isPublishing: boolean): { lines: string[]; isOk: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return { lines: [`FAIL ${file}`, `  json: ${error instanceof Error ? error.message : String(error)}`], isOk: false };
  }
  const problems: Array<{ name: string; violation: FlowJsonViolation }> = [];
  for (const { name, flow } of listFlowsInDocument(json)) {
    for (const violation of checkFlowJson(flow, { isPublishing })) problems.push({ name, violation });
  }
  if (problems.length === 0) return { lines: [`OK ${file}`], isOk: true };
  return {
    lines: [
      `FAIL ${file}`,
      ...problems.map(({ name, violation }) => {
        const where = [name, violation.path].filter(Boolean).join(':') || '(root)';
        return `  ${where} [${violation.rule}] ${violation.message}`;
      }),
    ],
    isOk: false,
  };
}

/** Lists the default files: every *.json directly in flows/. */
export function listDefaultFlowFiles(flowsDir: string): string[] {
  if (!fs.existsSync(flowsDir)) return [];
  return fs
    .readdirSync(flowsDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.relative(process.cwd(), path.join(flowsDir, name)));
}

function runCli(argv: string[]): number {
  const isPublishing = !argv.includes('--any-version');
  const named = argv.filter((arg) => !arg.startsWith('--'));
  const files = named.length > 0 ? named : listDefaultFlowFiles(path.join(process.cwd(), 'flows'));
  if (files.length === 0) {
    console.error('No Flow JSON files to check (flows/*.json is empty). Pass file paths as arguments.');
    return 1;
  }
  let isAllOk = true;
  for (const file of files) {
    const { lines, isOk } = checkFlowFile(file, isPublishing);
    for (const line of lines) (isOk ? console.log : console.error)(line);
    isAllOk &&= isOk;
  }
  return isAllOk ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2));
}
