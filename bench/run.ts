/**
 * `npm run bench -- NAME [args]`: runs bench/NAME.ts. Benchmarks compare ratios side by side in one
 * run and report medians (the machines are shared and noisy); they are never timed tests.
 */
const BENCHES = [
  'bundles',
  'exports',
  'faults',
  'findings',
  'geo',
  'notifications',
  'photos',
  'planner',
  'web',
] as const;

const [name, ...args] = process.argv.slice(2);
if (!name || !(BENCHES as readonly string[]).includes(name)) {
  console.error(`usage: npm run bench -- <${BENCHES.join('|')}> [args]`);
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { run: (args: string[]) => Promise<void> };
await mod.run(args);

export {};
