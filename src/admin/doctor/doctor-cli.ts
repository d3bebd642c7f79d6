/** `npm run doctor`: prints the go-live checklist and answers with exit code 1 when a check fails. */
import type { AppConfig } from '../../platform';
import { doctorExitCode, formatDoctorReport } from './doctor-check';
import { runDoctor } from './run-doctor';

/** Runs the checks and writes the report; resolves with the exit code. */
export async function runDoctorCli(deps: { config: AppConfig; out(line: string): void; migrationsDir?: string }): Promise<number> {
  deps.out(`Tapbook go-live check (${deps.config.whatsapp.graphUrl})`);
  const checks = await runDoctor({ config: deps.config, ...(deps.migrationsDir ? { migrationsDir: deps.migrationsDir } : {}) });
  for (const line of formatDoctorReport(checks)) deps.out(line);
  return doctorExitCode(checks);
}
