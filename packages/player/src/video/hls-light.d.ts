/**
 * hls.js's light build (`hls.js/light` → dist/hls.light.mjs): the full build's API without its
 * optional features (subtitles and captions, alternate audio, EME, CMCD, interstitials, variable
 * substitution…). hls.js 1.7.4 ships no declarations for the subpath.
 */
declare module 'hls.js/light' {
  export { default } from 'hls.js';
  export * from 'hls.js';
}
