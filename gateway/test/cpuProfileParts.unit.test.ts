import { describe, expect, it } from '@jest/globals';
import { cpuParts, cpuPartsTable, type CpuProfile } from '../bench/cpuProfileParts.ts';

const apolloGateway = 'file:///repo/node_modules/@apollo/gateway/dist/executeQueryPlan.js';
const ourFetch = 'file:///repo/gateway/src/replicas/keepAliveFetch.ts';
const frame = (functionName: string, url = '') => ({ functionName, url });

/** root → idle; root → Apollo Gateway → node:http client; root → our fetch → node:http client;
 * root → GC; root → module loading → Apollo Server; root → an unnamed native `toString`. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 5, 7, 8, 10] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('executeNode', apolloGateway), children: [4] },
    { id: 4, callFrame: frame('ClientRequest', 'node:_http_client') },
    { id: 5, callFrame: frame('keepAliveFetch', ourFetch), children: [6] },
    { id: 6, callFrame: frame('ClientRequest', 'node:_http_client') },
    { id: 7, callFrame: frame('(garbage collector)') },
    { id: 8, callFrame: frame('load', 'node:internal/modules/esm/loader'), children: [9] },
    { id: 9, callFrame: frame('', 'file:///repo/node_modules/@apollo/server/dist/esm/index.js') },
    { id: 10, callFrame: frame('toString') },
  ],
  samples: [2, 3, 3, 4, 5, 6, 7, 9, 10, 2],
  timeDeltas: [500, 100, 100, 100, 100, 100, 200, 700, 200, 500],
};

describe('cpuParts', () => {
  const parts = cpuParts(profile);
  const share = (name: string) => parts.find((part) => part.name === name)?.share;

  it('counts each sample for the named part nearest its leaf, of the busy time only', () => {
    // Busy: 100 + 100 (Apollo Gateway) + 100 + 100 (node:http client, called from both)
    // + 100 (our fetch layer) + 200 (GC) + 200 (other) = 900; idle and module loading left out.
    expect(share('Apollo Gateway: plan execution, result shaping')).toBeCloseTo(200 / 900);
    expect(share('node:http client')).toBeCloseTo(200 / 900);
    expect(share('subgraph fetch layer')).toBeCloseTo(100 / 900);
    expect(share('garbage collection')).toBeCloseTo(200 / 900);
    expect(share('other')).toBeCloseTo(200 / 900);
    expect(share('Apollo Server: request pipeline')).toBeUndefined();
    expect(parts.reduce((sum, part) => sum + part.share, 0)).toBeCloseTo(1);
  });

  it('marks what every gateway on Apollo and node:http pays', () => {
    const shared = parts.filter((part) => part.shared).map((part) => part.name);
    expect(shared.sort()).toEqual([
      'Apollo Gateway: plan execution, result shaping',
      'garbage collection',
      'node:http client',
    ]);
  });

  it('a table of ms per request with the shared parts summed', () => {
    const lines = cpuPartsTable([
      { name: 'ours', cpuMsPerRequest: 0.9, parts },
      { name: 'apollo', cpuMsPerRequest: 1.8, parts },
    ]);
    expect(lines[0]).toMatch(/ms per request\s+ours\s+apollo$/);
    expect(lines.find((line) => line.includes('* garbage collection'))).toMatch(/0\.200\s+0\.400$/);
    expect(lines.at(-2)).toMatch(/all\s+0\.900\s+1\.800$/);
    expect(lines.at(-1)).toMatch(/\* shared parts\s+0\.600\s+1\.200$/);
  });
});
