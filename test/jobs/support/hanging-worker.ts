/**
 * A worker process for test/jobs/dead-workers.test.ts: runs a job runner whose `hang` task never
 * finishes, prints "started <job id>" when it has taken a job, and waits to be killed.
 */
import { startJobRunner } from '../../../src/jobs';
import { createLogger } from '../../../src/platform';

async function main(): Promise<void> {
  await startJobRunner({
    connectionString: process.env.DATABASE_URL!,
    concurrency: 1,
    logger: createLogger('silent'),
    tasks: {
      hang: async (_payload, helpers) => {
        process.stdout.write(`started ${helpers.job.id}\n`);
        await new Promise(() => undefined);
      },
    },
  });
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
