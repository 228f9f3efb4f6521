/** The temporary routes of part B's pages (/app/console-b/…), until the console's registry lists them. */
import type { AppContext } from '../../context';
import { GridVersionsPage } from '../grid-versions';
import { PeoplePage } from '../people';
import { StatsPage } from '../stats';

export function ConsoleBPage({ ctx, path }: { ctx: AppContext; path: string }) {
  if (path.startsWith('/app/console-b/grid')) return <GridVersionsPage ctx={ctx} />;
  if (path.startsWith('/app/console-b/stats')) return <StatsPage ctx={ctx} />;
  if (path.startsWith('/app/console-b/people')) return <PeoplePage ctx={ctx} />;
  return null;
}
