import type { FeedInfo } from '../../workers/engine-api';

export type StatusMode = 'live' | 'reconnecting' | 'offline' | 'replay' | 'simulated' | 'cache' | 'connecting';

/**
 * What the status line says about the current stream, from the stream's typed status: a replay wins, then
 * where the candles come from; a browser without network (navigator.onLine false) is "offline" unless what
 * it shows needs no network (simulated, replay).
 */
export function statusMode(feed: FeedInfo | null, replaying: boolean, online: boolean): StatusMode {
  if (replaying) return 'replay';
  if (!feed) return online ? 'connecting' : 'offline';
  const status = feed.status;
  switch (status.kind) {
    case 'replay':
      return 'replay';
    case 'simulated':
      return 'simulated';
    case 'stored':
      return online ? 'cache' : 'offline';
    case 'stopped':
      return 'offline';
    case 'starting':
      return online ? 'connecting' : 'offline';
    case 'exchange':
      if (!online) return 'offline';
      if (feed.source === 'cache') return 'cache';
      return status.feed === 'live' ? 'live' : status.feed === 'stopped' ? 'offline' : 'reconnecting';
  }
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
