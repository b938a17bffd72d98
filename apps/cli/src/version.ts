import pkg from '../package.json' with { type: 'json' };

/** The CLI's package version. */
export const CLI_VERSION: string = pkg.version;
