/** Entry of the boot script (a classic script, `async` in index.html): see app/boot.ts. */
import { boot } from './boot';

globalThis.gpBoot ??= boot();
