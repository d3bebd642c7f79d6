/** What each console role may do; checked on the server for every action, and used to hide what a role cannot do. */
import type { StaffRole } from './staff-user-repository';

/** Things a console user can do. */
export type ConsoleAction = 'view' | 'manage_bookings' | 'handle_conversations' | 'manage_settings';

const GRANTS: Record<StaffRole, ReadonlySet<ConsoleAction>> = {
  admin: new Set(['view', 'manage_bookings', 'handle_conversations', 'manage_settings']),
  front_desk: new Set(['view', 'manage_bookings', 'handle_conversations']),
  read_only: new Set(['view']),
};

/** True when the role may perform the action. */
export function canPerform(role: StaffRole, action: ConsoleAction): boolean {
  return GRANTS[role].has(action);
}
