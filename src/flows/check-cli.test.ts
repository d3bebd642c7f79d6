import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkFlowFile, listDefaultFlowFiles } from './check-cli';

const root = path.join(__dirname, '../..');
const bookingPath = path.join(root, 'flows/booking.flow.json');

describe('check-cli', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flow-check-'));
  const broken = path.join(dir, 'broken.json');
  const flow = JSON.parse(fs.readFileSync(bookingPath, 'utf8')) as { screens: Array<{ id: string }> };
  (flow.screens[5] as { id: string }).id = 'SUCCESS';
  fs.writeFileSync(broken, JSON.stringify(flow));
  const notJson = path.join(dir, 'not-json.json');
  fs.writeFileSync(notJson, '{ "version": ');

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints OK for a good file', () => {
    expect(checkFlowFile(bookingPath, true)).toStrictEqual({ lines: [`OK ${bookingPath}`], isOk: true });
  });

  it('prints each violation with its path and rule', () => {
    const { lines, isOk } = checkFlowFile(broken, true);

    expect(isOk).toBe(false);
    expect(lines[0]).toBe(`FAIL ${broken}`);
    expect(lines).toContain('  screens[5].id [screen-id] Screen id "SUCCESS" is reserved: the endpoint answers screen SUCCESS to finish the Flow.');
  });

  it('reports a file that is not JSON', () => {
    expect(checkFlowFile(notJson, true)).toMatchObject({ isOk: false, lines: [`FAIL ${notJson}`, expect.stringMatching(/^ {2}json: /)] });
  });

  it('names the flow inside a collection file', () => {
    const file = path.join(root, 'test/fixtures/flows/flow-json/flows_6_2_examples.json');

    expect(checkFlowFile(file, false).lines[1]).toMatch(/^ {2}navigation_list:screens\[0\]/);
  });

  it('checks flows/*.json by default', () => {
    expect(listDefaultFlowFiles(path.join(root, 'flows')).map((file) => path.basename(file))).toContain('booking.flow.json');
  });

  it('exits 1 when a file has a violation and 0 when all pass', () => {
    const run = (args: string[]) =>
      spawnSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(__dirname, 'check-cli.ts'), ...args], { cwd: root, encoding: 'utf8' });

    const failing = run([bookingPath, broken]);
    const passing = run([]);

    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('OK ');
    expect(failing.stderr).toContain('[screen-id]');
    expect(passing.status).toBe(0);
    expect(passing.stdout).toContain('OK flows/booking.flow.json');
  });
});
