/** `npm run cli -- user create|reset-password` against a real database, and the sandbox demo admin. */
import { ensureDemoAdmin, runUserCli, DEMO_ADMIN_EMAIL } from '../../src/admin';
import { signIn } from '../../src/admin/auth/accounts';
import { runCli } from '../../src/api';
import { createLogger, loadConfig, type AppConfig } from '../../src/platform';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('npm run cli -- user', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let config: AppConfig;
  const now = new Date('2026-03-30T06:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    config = loadConfig({ DATABASE_URL: db.url });
  });
  afterAll(async () => db.drop());

  async function cli(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { config, logger: createLogger('silent'), output: { out: (l) => out.push(l), err: (l) => err.push(l) }, runUserCommand: runUserCli });
    return { code, out, err: err.join('\n') };
  }
  const trySignIn = (email: string, password: string) => signIn(db.prisma, { email, password, address: '127.0.0.9', now });

  it('user create prints a one-time password that signs in; only its scrypt hash is stored', async () => {
    const result = await cli(['user', 'create', '--business', 'default', '--email', 'Desk@Clinic.Example', '--role', 'front_desk']);
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    expect(result.err).toContain('shown only once');
    const user = await db.prisma.staffUser.findUniqueOrThrow({ where: { email: 'desk@clinic.example' } });
    expect(user).toMatchObject({ businessId: demo.businessId, role: 'front_desk' });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(user.passwordHash).not.toContain(result.out[0]!);
    expect((await trySignIn('desk@clinic.example', result.out[0]!)).ok).toBe(true);
  });

  it('reset-password prints a new password; the old one stops working and open sessions end', async () => {
    const created = await cli(['user', 'create', '--business', demo.businessId, '--email', 'reset@clinic.example', '--role', 'admin']);
    expect((await trySignIn('reset@clinic.example', created.out[0]!)).ok).toBe(true);
    const reset = await cli(['user', 'reset-password', '--email', 'reset@clinic.example']);
    expect(reset.code).toBe(0);
    expect(reset.out[0]).not.toBe(created.out[0]);
    expect(await db.prisma.staffSession.count({ where: { user: { email: 'reset@clinic.example' } } })).toBe(0);
    expect(await trySignIn('reset@clinic.example', created.out[0]!)).toEqual({ ok: false, reason: 'invalid' });
    expect((await trySignIn('reset@clinic.example', reset.out[0]!)).ok).toBe(true);
  });

  it('refuses a bad role or email with the usage (exit 2), a taken email and an unknown user (exit 1)', async () => {
    const badRole = await cli(['user', 'create', '--business', 'default', '--email', 'x@clinic.example', '--role', 'owner']);
    expect(badRole.code).toBe(2);
    expect(badRole.err).toContain('--role must be one of admin, front_desk, read_only');
    expect(badRole.err).toContain('user reset-password --email');
    expect((await cli(['user', 'create', '--business', 'default', '--email', 'not-an-email', '--role', 'admin'])).code).toBe(2);
    const taken = await cli(['user', 'create', '--business', 'default', '--email', 'desk@clinic.example', '--role', 'admin']);
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('exists already');
    const unknown = await cli(['user', 'reset-password', '--email', 'nobody@clinic.example']);
    expect(unknown.code).toBe(1);
  });

  it('the sandbox demo admin exists after start and gets a fresh working password each time', async () => {
    const first = await ensureDemoAdmin(db.prisma, demo.businessId);
    const second = await ensureDemoAdmin(db.prisma, demo.businessId);
    expect(first.email).toBe(DEMO_ADMIN_EMAIL);
    expect(second.password).not.toBe(first.password);
    expect((await trySignIn(DEMO_ADMIN_EMAIL, second.password)).ok).toBe(true);
    expect(await db.prisma.staffUser.count({ where: { email: DEMO_ADMIN_EMAIL, role: 'admin', businessId: demo.businessId } })).toBe(1);
  });
});
