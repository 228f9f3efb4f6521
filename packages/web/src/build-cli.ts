/**
 * `tsx packages/web/src/build-cli.ts OUT_DIR`: builds the app into OUT_DIR. CDK's asset bundling
 * runs it (infra/lib/web-app.ts): synth is synchronous, the build is not, so it runs as a process.
 */
import { buildWeb } from './build';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: tsx packages/web/src/build-cli.ts OUT_DIR');
  process.exit(2);
}
await buildWeb(outDir);
