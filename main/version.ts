declare const __STUDIO_VERSION__: string | undefined;

/** Set by the build (tools/build.mjs) from package.json. */
export const STUDIO_VERSION: string = typeof __STUDIO_VERSION__ === 'string' ? __STUDIO_VERSION__ : '0.0.0-dev';
