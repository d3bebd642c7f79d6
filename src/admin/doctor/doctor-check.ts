/** One line of the go-live checklist and how the list is printed. Pure. */

/** pass: ready; warn: works, but look; fail: not ready to go live. */
export type DoctorStatus = 'pass' | 'warn' | 'fail';

/** The result of one check: what was checked, what was found, and what to do when it is not a pass. */
export interface DoctorCheck {
  status: DoctorStatus;
  name: string;
  detail: string;
  fix?: string;
}

const LABEL: Record<DoctorStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };

/** The checklist as lines: `PASS  name: detail`, and `      → fix` under anything that is not a pass. */
export function formatDoctorReport(checks: readonly DoctorCheck[]): string[] {
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${LABEL[check.status]}  ${check.name}: ${check.detail}`);
    if (check.status !== 'pass' && check.fix) lines.push(`      → ${check.fix}`);
  }
  const count = (status: DoctorStatus) => checks.filter((check) => check.status === status).length;
  lines.push('');
  lines.push(`${count('pass')} passed, ${count('warn')} warning(s), ${count('fail')} failed.${count('fail') > 0 ? ' Not ready to go live: fix the FAIL lines and run `npm run doctor` again.' : ''}`);
  return lines;
}

/** The process exit code for a checklist: 1 when any check failed. */
export function doctorExitCode(checks: readonly DoctorCheck[]): number {
  return checks.some((check) => check.status === 'fail') ? 1 : 0;
}
