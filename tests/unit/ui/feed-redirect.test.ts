import { describe, expect, it } from 'vitest';
import { endpointOverridesFromUrl } from '../../../src/ui/endpoint-overrides';
import { feedRedirectNotice } from '../../../src/ui/feed-redirect';

describe('feedRedirectNotice', () => {
  it('names the loopback host and port the feed goes to, never the link path', () => {
    const link = new URL('https://candlecast.app/?exchange=okx');
    link.searchParams.set('rest', 'http://127.0.0.1:4620/admin/delete-all?confirm=yes');
    link.searchParams.set('ws', 'ws://localhost/x');
    expect(feedRedirectNotice(endpointOverridesFromUrl(link).overrides)).toBe(
      "Feed redirected to 127.0.0.1:4620 (REST) and localhost:80 (websocket) by this page's link, not the exchange",
    );
  });
  it('says nothing without an accepted override', () => {
    expect(feedRedirectNotice({})).toBeNull();
    expect(
      feedRedirectNotice(endpointOverridesFromUrl(new URL('https://x/?rest=https://evil.com')).overrides),
    ).toBeNull();
  });
});
