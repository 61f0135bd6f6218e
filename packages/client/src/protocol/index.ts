export * from './schemas.js';
export type * from './types.js';
export * from './http.js';
export * from './validate.js';
