// Go's fmt package, as far as templates reach it: Sprint, Sprintln, Sprintf (see fmt/).
export { sprint, sprintf, sprintln } from './fmt/print.js';
