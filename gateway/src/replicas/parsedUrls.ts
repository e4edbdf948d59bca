/**
 * Subgraph replica URLs are a handful, each fetched thousands of times a second; the signer and
 * the transport both need a fetch's URL parsed, so each URL is parsed once (two `new URL` per
 * fetch were 0.8% of our gateway's CPU in bench:gateway, profiled). Read-only: the same object
 * serves every fetch. Bounded, in case a caller ever passes URLs without end.
 */
const parsed = new Map<string, Readonly<URL>>();
const maxUrls = 1_000;

export function parsedUrl(url: string): Readonly<URL> {
  let known = parsed.get(url);
  if (known === undefined) {
    known = new URL(url);
    if (parsed.size >= maxUrls) parsed.clear();
    parsed.set(url, known);
  }
  return known;
}
