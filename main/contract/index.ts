export * from './errors';
export * from './events';
export * from './methods';
export * from './bpm-range';
export * from './wire';
export * from './bridge';
export * from './rpc';
export * from './forward';
