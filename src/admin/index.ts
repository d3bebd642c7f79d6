/** Admin-side HTTP pieces: the sandbox message feed (simulator and terminal chat). */
export { createSandboxRouter } from './sandbox-route';
