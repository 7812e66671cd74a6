import type { FeedInfo } from '../../workers/engine-api';

export type StatusMode = 'live' | 'reconnecting' | 'offline' | 'replay' | 'simulated' | 'cache' | 'connecting';

const RECONNECTING_STATES = new Set(['reconnecting', 'connecting', 'backfilling', 'error']);

/**
 * What the status line says about the current stream: a replay wins, then the feed's own source and state;
 * a browser without network whose feed is not live is "offline".
 */
export function statusMode(feed: FeedInfo | null, replaying: boolean, online: boolean): StatusMode {
  if (replaying) return 'replay';
  if (!feed) return online ? 'connecting' : 'offline';
  if (feed.source === 'replay') return 'replay';
  if (feed.source === 'simulated') return 'simulated';
  if (feed.source === 'cache') return online ? 'cache' : 'offline';
  const state = feed.state.toLowerCase();
  if (!online || state === 'offline') return 'offline';
  if (RECONNECTING_STATES.has(state)) return 'reconnecting';
  return 'live';
}

export const STATUS_LABEL: Record<StatusMode, string> = {
  live: 'Live',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
  replay: 'Replay',
  simulated: 'Simulated market',
  cache: 'Cached candles',
  connecting: 'Connecting',
};
