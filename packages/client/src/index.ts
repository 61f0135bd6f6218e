export * from './protocol/index.js';
export * from './state/reducer.js';
