// A fake of the Yahoo endpoints yahoo-finance2 talks to, served through its `fetch` hook.
//
// chart() requests only https://query2.finance.yahoo.com/v8/finance/chart/<SYMBOL>?... (it does not
// need a crumb: see needsCrumb in node_modules/yahoo-finance2/esm/src/lib/yahooFinanceFetch.js). The
// crumb flow other modules use (GET finance.yahoo.com/quote/AAPL for a cookie, then
// query1.finance.yahoo.com/v1/test/getcrumb) is answered too, so a library upgrade that starts
// fetching a crumb for chart() still runs offline. Anything else fails the test loudly.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'yahoo');

/** Reads a chart JSON fixture from test/fixtures/yahoo/. */
export function chartFixture(name: string): unknown {
  return JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
}

/** What the fake answers to a chart request: a body with a status, or a thrown error. */
export type ChartReply = { readonly status: number; readonly body: unknown } | { readonly throws: Error };

export interface FakeYahoo {
  readonly fetch: typeof fetch;
  /** Every URL requested, in order. */
  readonly urls: string[];
}

/** A fake fetch whose chart endpoint plays `replies` in order (the last one repeats). */
export function fakeYahoo(replies: readonly ChartReply[]): FakeYahoo {
  const urls: string[] = [];
  let next = 0;
  const fakeFetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    urls.push(url.href);
    if (url.hostname.startsWith('query') && url.pathname.startsWith('/v8/finance/chart/')) {
      const reply = replies[Math.min(next++, replies.length - 1)]!;
      if ('throws' in reply) throw reply.throws;
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      return new Response(text, { status: reply.status, headers: { 'content-type': 'application/json;charset=utf-8' } });
    }
    if (url.hostname === 'finance.yahoo.com' || url.hostname === 'fc.yahoo.com') {
      return new Response('<html></html>', {
        status: 200,
        headers: { 'content-type': 'text/html', 'set-cookie': 'A3=d=fake&S=fake; Max-Age=31557600; Domain=.yahoo.com; Path=/; Secure; HttpOnly' },
      });
    }
    if (url.pathname === '/v1/test/getcrumb') return new Response('fakeCrumb.1', { status: 200, headers: { 'content-type': 'text/plain' } });
    throw new Error(`fake Yahoo: unexpected request ${url.href}`);
  };
  return { fetch: fakeFetch as typeof fetch, urls };
}

/** undici's error when the network is down: TypeError('fetch failed') caused by a DNS failure. */
export function offlineError(code = 'ENOTFOUND'): TypeError {
  const cause = Object.assign(new Error(`getaddrinfo ${code} query2.finance.yahoo.com`), { code, syscall: 'getaddrinfo' });
  return new TypeError('fetch failed', { cause });
}

/** Yahoo's answer for an unknown or delisted symbol. */
export const NOT_FOUND_BODY = {
  chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } },
};
