export { createTestBackend, TestBackend, type ShowSetup, type TestBackendOptions } from './backend.js';
export { ShowDirector, type PresaleScript, type SaleScript, type TimelineStep } from './director.js';
export { Faults, type FaultTarget } from './faults.js';
export { sampleProducts, sampleShow } from './catalog.js';
