import { canRoleAccess, type RouteFamily } from './auth';

describe('canRoleAccess', () => {
  const cases: Array<[string, 'admin' | 'front_desk' | 'read_only', RouteFamily, string, boolean]> = [
    ['admin changes services', 'admin', 'services', 'POST', true],
    ['front desk books appointments', 'front_desk', 'appointments', 'POST', true],
    ['front desk edits clients', 'front_desk', 'clients', 'PATCH', true],
    ['front desk replies in conversations', 'front_desk', 'conversations', 'POST', true],
    ['front desk may not change services', 'front_desk', 'services', 'POST', false],
    ['front desk may not read settings', 'front_desk', 'settings', 'GET', false],
    ['read-only reads appointments', 'read_only', 'appointments', 'GET', true],
    ['read-only reads services', 'read_only', 'services', 'GET', true],
    ['read-only may not book', 'read_only', 'appointments', 'POST', false],
    ['read-only may not delete', 'read_only', 'appointments', 'DELETE', false],
  ];
  it.each(cases)('%s', (_name, role, family, method, expected) => {
    expect(canRoleAccess({ role, family, method })).toBe(expected);
  });

  it('admin-only routes refuse every other role', () => {
    expect(canRoleAccess({ role: 'admin', family: 'appointments', method: 'POST', isAdminOnly: true })).toBe(true);
    expect(canRoleAccess({ role: 'front_desk', family: 'appointments', method: 'POST', isAdminOnly: true })).toBe(false);
  });
});
