/**
 * The admin command line: create a business, create an API key. It works whether or not the
 * server runs: with DATABASE_URL it uses that; otherwise it first tries the embedded PostgreSQL a
 * running server owns (only one process can run it), and starts it itself only when nothing answers.
 * It says on stderr which database it used, and never creates a new one unless told: a key made in
 * a database the server does not use would be refused by the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { seedDemoBusinessIfEmpty } from '../../prisma/seed';
import { applyMigrations, createPrismaClient, disconnectPrisma, openDatabase, type AppConfig, type Logger, type PrismaClient } from '../platform';
import { isApiKeyRole, API_KEY_ROLES } from './api-key';
import { businessExists, createApiKey, createBusiness, findDefaultBusinessId } from './api-key-repository';
import { isUuid, isValidTimeZone } from './common-schemas';

/** Where the CLI writes. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Runs a `user <verb>` command (the console's users; given by cli-main.ts, so the API does not import the console). */
export type UserCommandRunner = (
  verb: string | undefined,
  flags: Record<string, string>,
  helpers: CliOutput & { withDatabase<T>(run: (prisma: PrismaClient) => Promise<T>): Promise<T>; resolveBusinessId(prisma: PrismaClient, business: string): Promise<string> },
) => Promise<number>;

/** Options of one CLI run. */
export interface CliDeps {
  config: AppConfig;
  logger: Logger;
  output: CliOutput;
  runUserCommand?: UserCommandRunner;
}

const CREATE_DATABASE_FLAG = 'create-database';

const USAGE = `Usage:
  npm run cli -- business create --name <name> --timezone <IANA zone> [--currency EUR] [--locale en] [--${CREATE_DATABASE_FLAG}]
  npm run cli -- api-key create --business <id|default> --role <${API_KEY_ROLES.join('|')}> [--name <label>] [--${CREATE_DATABASE_FLAG}]
  npm run cli -- user create --business <id|default> --email <email> --role <${API_KEY_ROLES.join('|')}> [--locale en|es|pt] [--${CREATE_DATABASE_FLAG}]
  npm run cli -- user reset-password --email <email> [--${CREATE_DATABASE_FLAG}]

Run it with the settings the server runs with (DATABASE_URL, or DATA_DIR and EMBEDDED_POSTGRES_PORT).
--${CREATE_DATABASE_FLAG}: start the embedded database in DATA_DIR even if it does not exist yet (it is
created) or a server runs on another database.`;

const EMBEDDED_DATABASE = 'tapbook';
const PROBE_TIMEOUT_MS = 1500;

/** A usage mistake: printed with the usage text, exit code 2. */
class UsageError extends Error {}

/** Parses `--flag value` pairs after the command words; the flags named in `switches` take no value ('true'). */
export function parseFlags(args: string[], switches: readonly string[] = [CREATE_DATABASE_FLAG]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}".`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (switches.includes(name!) && inline === undefined) {
      flags[name!] = 'true';
      continue;
    }
    const value = inline ?? args[index + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
    if (inline === undefined) index += 1;
    flags[name!] = value;
  }
  return flags;
}

/** Runs one command; returns the process exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const [noun, verb, ...rest] = argv;
  try {
    const command = `${noun ?? ''} ${verb ?? ''}`;
    if (noun === 'user' && deps.runUserCommand) {
      const flags = parseFlags(rest);
      try {
        return await deps.runUserCommand(verb, flags, {
          ...deps.output,
          withDatabase: (run) => withDatabase(deps, flags[CREATE_DATABASE_FLAG] === 'true', run),
          resolveBusinessId: (prisma, business) => {
            if (business !== 'default' && !isUuid(business)) throw new UsageError('--business must be a business id or "default".');
            return resolveBusinessId(prisma, business, deps.config);
          },
        });
      } catch (error) {
        // The runner's own usage mistakes (named "UsageError") get the usage text and exit code 2 too.
        if (error instanceof Error && error.name === 'UsageError' && !(error instanceof UsageError)) throw new UsageError(error.message);
        throw error;
      }
    }
    if (command !== 'business create' && command !== 'api-key create') throw new UsageError(noun ? `Unknown command "${command.trim()}".` : 'No command given.');
    const flags = parseFlags(rest);
    const input = command === 'business create' ? checkBusinessFlags(flags) : checkKeyFlags(flags);
    const canCreateDatabase = flags[CREATE_DATABASE_FLAG] === 'true';
    return await withDatabase(deps, canCreateDatabase, async (prisma) => {
      if (input.kind === 'business') {
        const business = await createBusiness(prisma, input);
        deps.output.out(business.id);
        return 0;
      }
      const businessId = await resolveBusinessId(prisma, input.business, deps.config);
      const created = await createApiKey(prisma, { businessId, role: input.role, name: input.name });
      deps.output.out(created.key);
      const article = /^[aeiou]/.test(input.role) ? 'an' : 'a';
      deps.output.err(`Created ${article} ${input.role} key for business ${businessId}. Store it now: it is shown only once.`);
      return 0;
    });
  } catch (error) {
    if (error instanceof UsageError) {
      deps.output.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    deps.output.err(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function checkBusinessFlags(flags: Record<string, string>) {
  const name = flags.name?.trim();
  if (!name || name.length > 200) throw new UsageError('--name is required (at most 200 characters).');
  const timeZone = flags.timezone;
  if (!timeZone || !isValidTimeZone(timeZone)) throw new UsageError('--timezone must be an IANA time zone such as Europe/Lisbon.');
  if (flags.currency !== undefined && !/^[A-Z]{3}$/.test(flags.currency)) throw new UsageError('--currency must be an ISO 4217 code such as EUR.');
  if (flags.locale !== undefined && !['en', 'es', 'pt'].includes(flags.locale)) throw new UsageError('--locale must be en, es or pt.');
  return { kind: 'business' as const, name, timeZone, currency: flags.currency, defaultLocale: flags.locale };
}

function checkKeyFlags(flags: Record<string, string>) {
  const business = flags.business;
  if (!business || (business !== 'default' && !isUuid(business))) throw new UsageError('--business must be a business id or "default".');
  const role = flags.role ?? '';
  if (!isApiKeyRole(role)) throw new UsageError(`--role must be one of ${API_KEY_ROLES.join(', ')}.`);
  const name = flags.name?.trim();
  if (name !== undefined && (name.length === 0 || name.length > 100)) throw new UsageError('--name must be 1–100 characters.');
  return { kind: 'key' as const, business, role, name };
}

async function resolveBusinessId(prisma: PrismaClient, business: string, config: AppConfig): Promise<string> {
  if (business !== 'default') {
    if (!(await businessExists(prisma, business))) throw new Error(`No business ${business}. Create one with \`npm run cli -- business create\`.`);
    return business;
  }
  // A fresh database gets the demo business the server would seed on its first start.
  if (config.seedDemo) await seedDemoBusinessIfEmpty(prisma);
  const id = await findDefaultBusinessId(prisma);
  if (!id) throw new Error('There is no business yet. Create one with `npm run cli -- business create`.');
  return id;
}

/** True when a PostgreSQL server answers at the URL. */
async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when a Tapbook server answers /health on the port (its database may not be ours). */
async function isServerRunning(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = (await res.json()) as { status?: unknown; database?: unknown };
    return typeof body.status === 'string' && typeof body.database === 'string';
  } catch {
    return false;
  }
}

/** The connection string without its password, for saying which database was used. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable DATABASE_URL)';
  }
}

/**
 * Refuses to start the embedded database of DATA_DIR when that would not be the server's: none
 * exists there yet (it would be created), or a server runs with another database.
 */
async function ensureLocalDatabaseIsWanted(config: AppConfig, canCreateDatabase: boolean): Promise<{ isNew: boolean }> {
  const { dataDir, port } = config.database.embedded;
  const isNew = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (canCreateDatabase) return { isNew };
  const settings = 'Run the CLI with the settings the server runs with (DATABASE_URL, or DATA_DIR and EMBEDDED_POSTGRES_PORT)';
  if (isNew) {
    throw new Error(
      `There is no Tapbook database in ${dataDir}, and no embedded PostgreSQL answers on 127.0.0.1:${port}. ${settings}, or add --${CREATE_DATABASE_FLAG} to create a new database there.`,
    );
  }
  if (await isServerRunning(config.http.port)) {
    throw new Error(
      `A Tapbook server answers on port ${config.http.port}, but its database is not the embedded PostgreSQL on 127.0.0.1:${port}, so it would refuse what the CLI creates in ${dataDir}. ${settings}, or add --${CREATE_DATABASE_FLAG} to use ${dataDir} anyway.`,
    );
  }
  return { isNew };
}

async function withDatabase<T>(deps: CliDeps, canCreateDatabase: boolean, run: (prisma: PrismaClient) => Promise<T>): Promise<T> {
  const { config, logger, output } = deps;
  let url = config.database.url;
  let stop: () => Promise<void> = async () => undefined;
  if (!url) {
    const { dataDir, port } = config.database.embedded;
    const runningUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
    if (await canConnect(runningUrl)) {
      url = runningUrl;
      output.err(`Database: the embedded PostgreSQL already running on 127.0.0.1:${port} (database ${EMBEDDED_DATABASE}).`);
      await applyMigrations(url);
    } else {
      const { isNew } = await ensureLocalDatabaseIsWanted(config, canCreateDatabase);
      const opened = await openDatabase(config, logger);
      url = opened.url;
      stop = opened.stop;
      output.err(`Database: the embedded PostgreSQL in ${dataDir} (${isNew ? 'created now' : 'started for this command'}, port ${port}).`);
    }
  } else {
    output.err(`Database: ${describeDatabaseUrl(url)} (DATABASE_URL).`);
    await applyMigrations(url);
  }
  const prisma = createPrismaClient({ url, poolSize: 2 });
  try {
    return await run(prisma);
  } finally {
    await disconnectPrisma(prisma);
    await stop();
  }
}
