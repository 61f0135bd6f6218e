/**
 * `@nightmarket/server`: the Night Market reference backend on Node 20+. It serves protocol v1
 * over the show engine (`@nightmarket/engine`) under `/api/`, adds an admin API for creating,
 * listing and deleting shows, loads shows from a JSON file, and shuts down gracefully. The
 * `nightmarket-server` command runs it from the command line.
 *
 * @packageDocumentation
 */
export { createNightmarketServer, type NightmarketServer, type NightmarketServerOptions } from './server.js';
export { loadShowsFile, parseShowsFile, ShowsFileError, type ShowsFileIssue } from './shows-file.js';
export {
  createHlsHandler,
  DEFAULT_HLS_FIXTURE_DIR,
  HLS_PLAYLIST_MEDIA_TYPE,
  HlsFixture,
  loadHlsFixture,
  MPEG_TS_MEDIA_TYPE,
  SimulatedLiveStream,
  type HlsFixtureSegment,
  type HlsHandlerOptions,
  type HlsSegmentFile,
  type LiveSegment,
  type LiveWindow,
  type MaybeFetchHandler,
  type SimulatedLiveStreamOptions,
} from './hls.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { PostgresStore, type PostgresStoreOptions, type ShowOwner } from './postgres-store.js';
export type { NchanOptions } from './nchan.js';
export type { ClusterOptions } from './cluster.js';
export { runConformance, type ConformanceOptions, type ConformanceReport, type ConformanceResult } from './conformance/index.js';
