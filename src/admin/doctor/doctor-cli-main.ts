/** Entry point of `npm run doctor` (uses the environment the services run with). */
import { loadConfig } from '../../platform';
import { runDoctorCli } from './doctor-cli';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stdout.write(`FAIL  configuration: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const code = await runDoctorCli({ config, out: (line) => process.stdout.write(`${line}\n`) });
  process.exit(code);
}

void main();
