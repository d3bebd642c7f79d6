/** The staff console and the sandbox message feed (simulator and terminal chat). */
// Used by app.ts
export { createSandboxRouter } from './sandbox-route';
export { createConsoleRouter, type ConsoleRouterDeps } from './console-router';
// For the CLI, main.ts and the demo seed
export { createStaffUser, resetStaffPassword } from './auth/accounts';
export { STAFF_ROLES, isStaffRole, findStaffUserByEmail, type StaffRole } from './auth/staff-user-repository';
export { runUserCli, ensureDemoAdmin, DEMO_ADMIN_EMAIL, UserUsageError } from './user-cli';
// Internal, exported for tests
export { CONSOLE_CSP } from './http/security-headers';
export { SESSION_POLICY, SIGN_IN_THROTTLE } from './auth/accounts';
// For `npm run doctor`
export { runDoctor, runDoctorCli, formatDoctorReport, doctorExitCode, type DoctorCheck, type DoctorStatus } from './doctor';
// The WhatsApp simulator page (/simulator).
export { createSimulatorRouter, type SimulatorRouterDeps } from './simulator/simulator-routes';
