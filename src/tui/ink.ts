// Ink, loaded so that it draws frames even when CI or CONTINUOUS_INTEGRATION is set.
// Ink reads those once, when it loads, and then writes nothing until it exits: right
// for a log, wrong for the debugger, which only ever runs on a terminal. The variables
// are hidden while Ink loads (hide-ci.js is evaluated first) and put back once it has
// (this module's body runs after its imports), so commands still see them.
import { restoreCi } from './hide-ci.js';
export * from 'ink';

restoreCi();
