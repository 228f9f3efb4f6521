import rootPackage from '../../package.json' with { type: 'json' };

/** The release this code belongs to; the root package.json is the one place it is written. */
export const VERSION: string = rootPackage.version;
