/** Settings → console users: admins list, create and reset users of their own business. */
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../platform/database';
import { createStaffUser, resetStaffPassword } from '../auth/accounts';
import { findStaffUser, findStaffUserByEmail, listStaffUsers, STAFF_ROLES } from '../auth/staff-user-repository';
import { createTranslate } from '../i18n';
import { renderUsersPage } from '../views/users-page';
import { consoleUserOf, requireAction, requireCsrfToken } from './console-session';

const createSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).regex(/^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,}$/),
  role: z.enum(STAFF_ROLES),
});

/** Builds the user routes (behind requireSignedIn; admins only). */
export function createUserRoutes(deps: { prisma: PrismaClient }): Router {
  const router = Router();
  router.use('/admin/settings', requireAction('manage_settings'), requireCsrfToken());

  router.get('/admin/settings/users', async (_req, res) => {
    const user = consoleUserOf(res);
    res.type('html').send(renderUsersPage({ user, t: createTranslate(user.locale), users: await listStaffUsers(deps.prisma, user.businessId) }));
  });

  router.post('/admin/settings/users', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const form = createSchema.safeParse(req.body ?? {});
    const send = async (status: number, extra: { error?: string; oneTimePassword?: { email: string; password: string } }) =>
      res.status(status).type('html').send(renderUsersPage({ user, t, users: await listStaffUsers(deps.prisma, user.businessId), ...extra }));
    if (!form.success) return send(422, { error: t('users.invalid') });
    // Addresses are unique across the server: say "taken" without telling which business has it.
    if (await findStaffUserByEmail(deps.prisma, form.data.email)) return send(409, { error: t('users.taken') });
    const created = await createStaffUser(deps.prisma, { businessId: user.businessId, email: form.data.email, role: form.data.role, locale: user.locale });
    return send(201, { oneTimePassword: { email: form.data.email, password: created.password } });
  });

  router.post('/admin/settings/users/:id/reset-password', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const id = z.string().uuid().safeParse(req.params.id);
    const target = id.success ? await findStaffUser(deps.prisma, user.businessId, id.data) : null;
    if (!target) {
      res.status(404).type('html').send(renderUsersPage({ user, t, users: await listStaffUsers(deps.prisma, user.businessId), error: t('error.notFound') }));
      return;
    }
    const reset = (await resetStaffPassword(deps.prisma, target.email))!;
    res.type('html').send(renderUsersPage({ user, t, users: await listStaffUsers(deps.prisma, user.businessId), oneTimePassword: { email: target.email, password: reset.password } }));
  });
  return router;
}
