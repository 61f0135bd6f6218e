/**
 * Defines `<nm-player>` alone; the player defines its shopping elements (shop-elements.ts) when a
 * show first loads. What the CDN build loads first.
 */
import { NmPlayer } from './player.js';
import { defineElements } from './register.js';

defineElements({ 'nm-player': NmPlayer });
