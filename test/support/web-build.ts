/** Builds the web app once before the tests that serve it (a no-op when the build is current). */
import { ensureWebBuilt } from '@gridpatrol/web/build';

export default async function setup(): Promise<void> {
  await ensureWebBuilt();
}
