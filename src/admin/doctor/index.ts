/** The go-live check (`npm run doctor`). */
export { runDoctor, type DoctorDeps } from './run-doctor';
export { runDoctorCli } from './doctor-cli';
export { formatDoctorReport, doctorExitCode, type DoctorCheck, type DoctorStatus } from './doctor-check';
