/** The customer pages (behind requireSignedIn; every role may look). */
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../platform/database';
import { findCustomerDetail, searchCustomers } from '../customers/customer-repository';
import { createTranslate } from '../i18n';
import { renderCustomersPage } from '../views/customers-page';
import { consoleUserOf } from './console-session';

const searchSchema = z.string().trim().max(100).optional().catch(undefined);

/** Builds the customer routes. */
export function createCustomerRoutes(deps: { prisma: PrismaClient }): Router {
  const router = Router();
  router.get('/admin/customers', async (req, res) => {
    const user = consoleUserOf(res);
    const search = searchSchema.parse(req.query.q);
    const rows = await searchCustomers(deps.prisma, { businessId: user.businessId, search });
    res.type('html').send(renderCustomersPage({ user, t: createTranslate(user.locale), rows, search }));
  });
  router.get('/admin/customers/:id', async (req, res) => {
    const user = consoleUserOf(res);
    const search = searchSchema.parse(req.query.q);
    const id = z.string().uuid().safeParse(req.params.id);
    const detail = id.success ? await findCustomerDetail(deps.prisma, { businessId: user.businessId, customerId: id.data }) : null;
    const rows = await searchCustomers(deps.prisma, { businessId: user.businessId, search });
    res
      .status(detail ? 200 : 404)
      .type('html')
      .send(renderCustomersPage({ user, t: createTranslate(user.locale), rows, search, detail: detail ?? undefined }));
  });
  return router;
}
