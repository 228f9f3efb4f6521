/**
 * fast-check for the unit tests: under CI a failing property stops at its first counterexample
 * instead of shrinking it (shrinking a 120-step run can take many minutes, past CI's budget). The
 * seed and path are printed either way, so the failure replays locally with shrinking.
 */
import fc from 'fast-check';

if (process.env.CI) fc.configureGlobal({ endOnFailure: true });
