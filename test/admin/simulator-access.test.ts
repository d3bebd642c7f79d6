/**
 * Who reaches the WhatsApp simulator outside sandbox mode: console admins, from the menu, for their
 * own business; other roles are refused, signed-out visitors are sent to sign in, and a business
 * without a WhatsApp number is told what to add.
 */
import { startConsoleKit, type ConsoleKit } from './console-kit';

describe('WhatsApp simulator in live mode: admins only', () => {
  let kit: ConsoleKit;

  beforeAll(async () => {
    kit = await startConsoleKit();
  });
  afterAll(async () => {
    await kit.stop();
  });

  it('an admin opens it from the console menu and writes to their business', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'WhatsApp simulator' }).click();
    await page.getByRole('heading', { name: 'WhatsApp simulator' }).waitFor();
    await page.getByRole('region', { name: /Simulator Customer/ }).getByText('Demo Clinic').waitFor();
    await context.close();
  });

  it('front desk sees no menu entry and is refused; a signed-out visitor is sent to sign in', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    expect(await page.getByRole('link', { name: 'WhatsApp simulator' }).count()).toBe(0);
    const refused = await page.request.get('/simulator');
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toMatch(/for admins/);
    await context.close();
    const anonymous = await fetch(`${kit.baseUrl}/simulator`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/admin/sign-in?next=%2Fsimulator');
  });

  it('an admin of a business without a WhatsApp number is told to add one', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.otherAdmin);
    const response = await page.request.get('/simulator');
    expect(response.status()).toBe(409);
    expect(await response.text()).toMatch(/add one/);
    await context.close();
  });
});
