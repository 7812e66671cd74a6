import { describe, expect, it } from 'vitest';
import { endpointOverridesFromUrl, isLoopbackHost } from '../../../src/ui/endpoint-overrides';

const page = (query: string) => new URL(`https://candlecast.app/${query}`);

describe('isLoopbackHost', () => {
  it('accepts 127.0.0.1 and localhost (the loopback hosts the CSP can name)', () => {
    for (const host of ['127.0.0.1', 'localhost', 'LOCALHOST']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });
  it('rejects everything else, including look-alikes', () => {
    for (const host of [
      '128.0.0.1',
      '10.0.0.1',
      '127.0.0.1.evil.com',
      'localhost.evil.com',
      '127.0.0.256',
      '127.1.2.3',
      '[::1]',
      '[::2]',
      '0.0.0.0',
      'api.binance.com',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('endpointOverridesFromUrl', () => {
  it('honours loopback REST and websocket endpoints, keeping only scheme, host and port', () => {
    const r = endpointOverridesFromUrl(page('?rest=http://127.0.0.1:8123/api/&ws=ws://localhost:8124/ws'));
    expect(r).toEqual({
      overrides: { restUrl: 'http://127.0.0.1:8123', wsUrl: 'ws://localhost:8124' },
      rejected: [],
    });
    const link = new URL('https://candlecast.app/?exchange=okx');
    link.searchParams.set('rest', 'http://127.0.0.1:4620/admin/delete-all?confirm=yes');
    expect(endpointOverridesFromUrl(link).overrides).toEqual({ restUrl: 'http://127.0.0.1:4620' });
  });
  it('refuses IPv6 loopback (Chromium cannot allow it in a CSP, so the worker could not reach it)', () => {
    const r = endpointOverridesFromUrl(page('?rest=http://[::1]:9000'));
    expect(r).toEqual({ overrides: {}, rejected: ['?rest= ignored: [::1] is not a loopback address'] });
  });
  it('returns nothing when no override is given', () => {
    expect(endpointOverridesFromUrl(page('?exchange=binance'))).toEqual({ overrides: {}, rejected: [] });
  });
  it('ignores non-loopback hosts and says why', () => {
    const r = endpointOverridesFromUrl(page('?rest=https://evil.example.com&ws=wss://127.0.0.1.evil.com'));
    expect(r.overrides).toEqual({});
    expect(r.rejected).toEqual([
      '?rest= ignored: evil.example.com is not a loopback address',
      '?ws= ignored: 127.0.0.1.evil.com is not a loopback address',
    ]);
  });
  it('ignores wrong protocols, bad URLs and credentials', () => {
    expect(endpointOverridesFromUrl(page('?rest=ws://127.0.0.1:1')).rejected).toEqual([
      '?rest= ignored: ws: is not http: or https:',
    ]);
    expect(endpointOverridesFromUrl(page('?ws=http://127.0.0.1:1')).rejected).toEqual([
      '?ws= ignored: http: is not ws: or wss:',
    ]);
    expect(endpointOverridesFromUrl(page('?rest=not%20a%20url')).rejected).toEqual([
      '?rest= ignored: "not a url" is not a URL',
    ]);
    expect(endpointOverridesFromUrl(page('?rest=http://user:pw@127.0.0.1:1')).rejected).toEqual([
      '?rest= ignored: credentials are not allowed',
    ]);
  });
});
