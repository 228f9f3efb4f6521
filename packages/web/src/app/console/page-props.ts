/** What every console page gets from the shell. */
import type { AppContext } from '../context';

export interface ConsoleMe {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly office?: string;
  readonly zones?: readonly string[];
  readonly cells?: readonly string[];
}

export interface ConsolePageProps {
  readonly ctx: AppContext;
  readonly me: ConsoleMe;
  /** The path after the page's own segment (e.g. a finding's id), decoded. */
  readonly rest: readonly string[];
}
