import pkg from '../package.json' with { type: 'json' };

/** The agent ships with the server release it belongs to, so both carry the package version. */
export const AGENT_VERSION: string = pkg.version;
