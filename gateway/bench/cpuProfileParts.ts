/**
 * Where a gateway's CPU goes, from the V8 CPU profile bench:gateway writes of it
 * (`BENCH_GATEWAY_PROFILE`): each sample counts for the part of the code nearest its leaf that a
 * rule below names, so Node's HTTP client called by our fetch layer is Node's, and our fetch
 * layer called by Apollo Gateway is ours. Idle samples and module loading (the start) are left
 * out. With one variant per run, a part's share of the busy samples times the gateway's measured
 * CPU per request is what that part costs a request.
 *
 * Some parts are paid by every gateway built, as ours must be, from `@apollo/gateway` on
 * `@apollo/server` over node:http: the same Apollo code, the same HTTP server and client, the
 * kernel's socket writes, the collector. Their sum is a floor no change of our own code moves.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const cpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
export type CpuProfile = z.infer<typeof cpuProfile>;

export interface CpuPart {
  readonly name: string;
  /** Paid alike by any gateway on Apollo Gateway, Apollo Server and node:http. */
  readonly shared: boolean;
  /** Of the profile's busy time (idle and module loading left out), 0 to 1. */
  readonly share: number;
}

interface PartRule {
  readonly name: string;
  readonly shared: boolean;
  readonly url: RegExp;
}

/** First match wins, frame by frame from the leaf up. */
const partRules: readonly PartRule[] = [
  {
    name: 'subgraph fetch layer',
    shared: false,
    url: /gateway\/src\/replicas\/|subgraphFetchMetrics|make-fetch-happen|minipass|agent-base|@npmcli\/agent|@whatwg-node\/node-fetch|undici/,
  },
  {
    name: 'Apollo Gateway: plan execution, result shaping',
    shared: true,
    url: /@apollo\/gateway|@apollo\/federation-internals|@apollo\/query-planner/,
  },
  { name: 'Apollo Server: request pipeline', shared: true, url: /@apollo\/server|@apollo\/utils/ },
  { name: 'graphql-js', shared: true, url: /node_modules\/graphql\// },
  {
    name: 'express and body parsing',
    shared: false,
    url: /node_modules\/(express|router|body-parser|raw-body|negotiator|type-is|iconv-lite|content-type|on-finished|parseurl|accepts|finalhandler)\//,
  },
  {
    name: 'Hive Gateway runtime',
    shared: false,
    url: /@graphql-hive|@graphql-mesh|@graphql-tools|@envelop|graphql-yoga|@whatwg-node\/server/,
  },
  { name: 'kafkajs and prom-client', shared: false, url: /node_modules\/(kafkajs|prom-client)\// },
  { name: 'our other gateway code', shared: false, url: /\/(gateway|platform)\/src\// },
  { name: 'crypto (JWT check, request signing)', shared: false, url: /crypto/ },
  { name: 'node:http client', shared: true, url: /^node:_http_(client|agent)$/ },
  {
    name: 'node:http server, sockets, streams, events',
    shared: true,
    url: /^node:(_http_\w+|net|events|stream|internal\/streams\/.*|internal\/stream_base_commons)$/,
  },
];

/** Native leaves named by what they do, wherever they were called from. */
const leafParts: ReadonlyMap<string, { readonly name: string; readonly shared: boolean }> = new Map(
  [
    ['(garbage collector)', { name: 'garbage collection', shared: true }],
    ...['writev', 'writeUtf8String', 'writeBuffer'].map(
      (leaf) => [leaf, { name: 'kernel: socket writes', shared: true }] as const,
    ),
  ],
);

const startup = /^node:internal\/modules\/|node_modules\/tsx\//;

/** The parts of one profile, largest first; samples no rule names go to `other`. */
export function cpuParts(profile: CpuProfile): CpuPart[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parents.set(child, node.id);
  }
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const totals = new Map<string, { shared: boolean; time: number }>();
  let busy = 0;
  for (const [id, time] of selfTime) {
    const part = partOf(id, nodes, parents);
    if (part === undefined) continue;
    busy += time;
    const total = totals.get(part.name) ?? { shared: part.shared, time: 0 };
    total.time += time;
    totals.set(part.name, total);
  }
  return [...totals]
    .map(([name, { shared, time }]) => ({ name, shared, share: busy === 0 ? 0 : time / busy }))
    .sort((a, b) => b.share - a.share);
}

function partOf(
  leafId: number,
  nodes: ReadonlyMap<number, CpuProfile['nodes'][number]>,
  parents: ReadonlyMap<number, number>,
): { readonly name: string; readonly shared: boolean } | undefined {
  const leaf = nodes.get(leafId);
  if (leaf === undefined || leaf.callFrame.functionName === '(idle)') return undefined;
  const frames: CpuProfile['nodes'][number]['callFrame'][] = [];
  for (let id: number | undefined = leafId; id !== undefined; id = parents.get(id)) {
    const frame = nodes.get(id)?.callFrame;
    if (frame !== undefined) frames.push(frame);
  }
  if (frames.some((frame) => startup.test(frame.url))) return undefined;
  const byLeaf = leafParts.get(leaf.callFrame.functionName);
  if (byLeaf !== undefined) return byLeaf;
  for (const frame of frames) {
    const rule = partRules.find((candidate) => candidate.url.test(frame.url));
    if (rule !== undefined) return rule;
  }
  return { name: 'other', shared: false };
}

/** The main thread's profile in `dir` (the largest: tsx's loader thread writes one too). */
export async function mainThreadProfile(dir: string): Promise<CpuProfile> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.cpuprofile'));
  const sized = await Promise.all(
    files.map(async (file) => ({ file, size: (await stat(path.join(dir, file))).size })),
  );
  const largest = sized.sort((a, b) => b.size - a.size)[0];
  if (largest === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  return cpuProfile.parse(JSON.parse(await readFile(path.join(dir, largest.file), 'utf8')));
}

export interface GatewayCpuParts {
  readonly name: string;
  readonly cpuMsPerRequest: number;
  readonly parts: readonly CpuPart[];
}

/** ms per request of each part, a column per gateway; shared parts marked and summed. */
export function cpuPartsTable(gateways: readonly GatewayCpuParts[]): string[] {
  const names = [...new Set(gateways.flatMap(({ parts }) => parts.map(({ name }) => name)))];
  const shared = new Set(
    gateways.flatMap(({ parts }) => parts.filter((part) => part.shared).map(({ name }) => name)),
  );
  const msOf = (gateway: GatewayCpuParts, name: string): number =>
    gateway.cpuMsPerRequest * (gateway.parts.find((part) => part.name === name)?.share ?? 0);
  const width = Math.max(...names.map((name) => name.length)) + 4;
  const cells = (values: readonly number[]) =>
    values.map((value) => value.toFixed(3).padStart(9)).join('');
  const lines = [
    `${'ms per request'.padEnd(width)}${gateways.map(({ name }) => name.padStart(9)).join('')}`,
  ];
  for (const name of names) {
    const label = `${shared.has(name) ? '* ' : '  '}${name}`;
    lines.push(`${label.padEnd(width)}${cells(gateways.map((gateway) => msOf(gateway, name)))}`);
  }
  const sharedSum = (gateway: GatewayCpuParts) =>
    [...shared].reduce((sum, name) => sum + msOf(gateway, name), 0);
  lines.push(
    `${'  all'.padEnd(width)}${cells(gateways.map((gateway) => gateway.cpuMsPerRequest))}`,
  );
  lines.push(`${'* shared parts'.padEnd(width)}${cells(gateways.map(sharedSum))}`);
  return lines;
}
