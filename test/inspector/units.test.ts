import test from 'ava';
import { Codec, MessageRegistry } from '../../runtime/index.js';
import { inspectorQueryProblems, INSPECTOR_QUERY_TYPES, INSPECTOR_REPLY_TYPES, plainSummary, RateSampler, registerInspectorTypes } from '../../actors/inspector/index.js';
import { nodeRow } from '../../actors/inspector/views.js';
import { formatBytes, formatDuration, formatPct, palette, table, visibleWidth, wantsColour } from '../../nodes/cli/format.js';
import { parseArgs, targetOf, CliUsageError } from '../../nodes/cli/inspect.js';
import { tokenMatches } from '../../nodes/inspector/http-server.js';
import { parsePrometheusText } from './support.js';

test('tables align every column to its widest cell, numbers right-aligned, with no trailing spaces', (t) => {
  const out = table(['NODE', 'ACTORS', 'STATUS'], [['trading', '142', 'up'], ['gpu', '7', 'down']], ['left', 'right', 'left']);
  t.is(out, 'NODE     ACTORS  STATUS\ntrading     142  up\ngpu           7  down\n');
});

test('colour codes take no width, so coloured tables stay aligned', (t) => {
  const p = palette(true);
  t.is(visibleWidth(p.red('down')), 4);
  const out = table(['S', 'X'], [[p.green('up'), '1'], [p.red('down'), '2']], [], p);
  const lines = out.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  t.deepEqual(lines, ['S     X', 'up    1', 'down  2', '']);
});

test('colour only on a terminal and only when NO_COLOR is unset', (t) => {
  t.true(wantsColour({ isTTY: true }, {}));
  t.false(wantsColour({ isTTY: true }, { NO_COLOR: '' }));
  t.false(wantsColour({ isTTY: true }, { NO_COLOR: '1' }));
  t.false(wantsColour({ isTTY: false }, {}));
  t.false(wantsColour({}, {}));
});

test('durations, bytes and percentages read the way operators expect', (t) => {
  const cases: Array<[string, string, string]> = [
    ['sub-second', formatDuration(850), '850ms'],
    ['seconds', formatDuration(12_345), '12.3s'],
    ['minutes', formatDuration(303_000), '5m 03s'],
    ['hours', formatDuration(7_500_000), '2h 05m'],
    ['days', formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3d 04h'],
    ['unknown duration', formatDuration(null), '-'],
    ['bytes', formatBytes(512), '512 B'],
    ['mebibytes', formatBytes(126_143_488), '120.3 MiB'],
    ['percent', formatPct(0.048), '4.8%'],
  ];
  for (const [name, actual, expected] of cases) t.is(actual, expected, name);
});

test('an inspect() summary is made plain: maps, sets, buffers, bigints and non-finite numbers converted, secrets redacted, size capped', (t) => {
  const summary = plainSummary({
    positions: new Map([['AAA', 10]]),
    ids: new Set(['a', 'b']),
    key: Buffer.alloc(32),
    operatorToken: 'hunter2-hunter2-hunter2',
    usedTokens: 3,
    api_key: 'z',
    nested: { apiKey: 'x', password: 'y', fine: 1 },
    big: 12n,
    nan: Number.NaN,
    fn: () => 1,
    when: new Date(0),
    many: Array.from({ length: 60 }, (_, i) => i),
  }) as Record<string, unknown>;
  t.deepEqual(summary.positions, { AAA: 10 });
  t.deepEqual(summary.ids, ['a', 'b']);
  t.is(summary.key, '[redacted]');
  t.is(summary.operatorToken, '[redacted]');
  t.is(summary.api_key, '[redacted]');
  t.is(summary.usedTokens, 3, 'a count of tokens is not a token');
  t.deepEqual(summary.nested, { apiKey: '[redacted]', password: '[redacted]', fine: 1 });
  t.is(summary.big, '12');
  t.is(summary.nan, 'NaN');
  t.false('fn' in summary);
  t.is(summary.when, '1970-01-01T00:00:00.000Z');
  t.is((summary.many as unknown[]).length, 51);
  t.false(JSON.stringify(summary).includes('hunter2'));
});

test('msg/s is the rate since the oldest sample, null before there is one, never negative', (t) => {
  const r = new RateSampler();
  t.is(r.rate(0, 0), null);
  r.sample(0, 100);
  t.is(r.rate(0, 100), null, 'no sample strictly before now');
  t.is(r.rate(2_000, 300), 100);
  t.is(r.rate(2_000, 50), 0, 'stopped actors took their counts with them');
});

test('every query is validated, naming each problem, and never echoes the credential', (t) => {
  const rows: Array<[string, unknown, RegExp | null]> = [
    ['a tree query', { type: 'inspector.tree' }, null],
    ['not an object', 'halt', /JSON object/],
    ['an unknown type', { type: 'inspector.everything' }, /type must be one of/],
    ['an actor without a path', { type: 'inspector.actor' }, /path must be a string/],
    ['an actor path without a slash', { type: 'inspector.actor', path: 'risk' }, /must start with/],
    ['a zero limit', { type: 'inspector.deadLetters', limit: 0 }, /limit must be a positive integer/],
    ['a state that does not exist', { type: 'inspector.setTradingState', to: 'PAUSED', reason: 'r', operator: 'o', operatorToken: 'secret-value' }, /to must be one of ACTIVE, REDUCING, HALTED/],
    ['an empty reason', { type: 'inspector.setTradingState', to: 'HALTED', reason: ' ', operator: 'o', operatorToken: 'secret-value' }, /reason must be/],
  ];
  for (const [name, query, problem] of rows) {
    const problems = inspectorQueryProblems(query);
    if (problem === null) t.deepEqual(problems, [], name);
    else t.regex(problems.join('; '), problem, name);
    t.false(problems.join(' ').includes('secret-value'), name);
  }
});

test('the inspector types survive the runtime codec in strict mode; a malformed query is refused at encode time', (t) => {
  const codec = new Codec({ registry: registerInspectorTypes(new MessageRegistry()) });
  registerInspectorTypes(codec.registry); // registering twice is a no-op
  t.is(INSPECTOR_QUERY_TYPES.length, 10);
  t.is(INSPECTOR_REPLY_TYPES.length, 12);
  const body = { type: 'inspector.actor', path: '/trading/risk' };
  const env = codec.decodeEnvelope(codec.encodeEnvelope({ type: body.type, version: 1, id: 'm1', recipient: { node: 'trading', path: '/inspector' }, body }));
  t.deepEqual(env.body, body);
  t.throws(() => codec.encodeEnvelope({ type: 'inspector.actor', version: 1, id: 'm2', body: { type: 'inspector.actor', path: 42 } }), { message: /path must be a string/ });
});

test('a node row takes live figures from the inspector and falls back to the membership record; a down node shows no uptime or rate', (t) => {
  const record = { name: 'gpu', incarnation: 'i', host: 'h', pid: 1, roles: ['gpu'], leaderEligible: true, startedAt: 1_000, version: '0.1.0', heartbeatAt: 61_000, actors: 4, memory: { rssBytes: 10, heapUsedBytes: 5 } };
  t.like(nodeRow({ record, status: 'up', heartbeatAgeMs: 200, error: 'timeout' }), { name: 'gpu', uptimeMs: 60_000, actors: 4, msgPerSec: null, rssBytes: 10, error: 'timeout' });
  t.like(nodeRow({ record, status: 'down', downReason: 'unreachable', heartbeatAgeMs: 9_000 }), { status: 'down', downReason: 'unreachable', uptimeMs: null, msgPerSec: null, actors: 4 });
});

test('the command line: --url and --nats exclude each other, --nats needs a cluster, unknown options are named', (t) => {
  const parse = (argv: string[]) => parseArgs(argv, { valued: ['url', 'nats', 'cluster', 'timeout'], flags: ['json'], optional: ['watch'] });
  t.deepEqual(targetOf(parse([]), {}), { kind: 'http', url: 'http://127.0.0.1:9464' });
  t.deepEqual(targetOf(parse([]), { BIFROST_NATS_URL: 'nats://a:4222,nats://b:4222', BIFROST_CLUSTER: 'prod' }), { kind: 'nats', servers: ['nats://a:4222', 'nats://b:4222'], cluster: 'prod' });
  t.like(targetOf(parse(['--nats', 'nats://a:4222', '--cluster', 'prod']), { BIFROST_NATS_TOKEN: 't' }), { kind: 'nats', credentials: { token: 't' } });
  t.throws(() => targetOf(parse(['--url', 'http://x', '--nats', 'nats://y']), {}), { instanceOf: CliUsageError, message: /mutually exclusive/ });
  t.throws(() => targetOf(parse(['--nats', 'nats://y']), {}), { instanceOf: CliUsageError, message: /needs --cluster/ });
  t.throws(() => parse(['--colour']), { instanceOf: CliUsageError, message: /unknown option --colour/ });
  const watch = parse(['--watch', '5', '--json']);
  t.is(watch.values.get('watch'), '5');
  t.true(watch.flags.has('watch') && watch.flags.has('json'));
  t.false(parse(['--watch', 'nodes']).values.has('watch'));
});

test('the operator credential is compared in constant time over hashes and an empty one never matches', (t) => {
  t.true(tokenMatches('operator-token-xyz', 'operator-token-xyz'));
  t.false(tokenMatches('operator-token-xyz', 'operator-token-xy'));
  t.false(tokenMatches('operator-token-xyz', ''));
  t.false(tokenMatches('operator-token-xyz', undefined));
});

test('the Prometheus text reader refuses what Prometheus would refuse', (t) => {
  const ok = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1"} 3\n';
  t.is(parsePrometheusText(ok).get('a_total')!.samples[0]!.value, 3);
  t.throws(() => parsePrometheusText('a_total 3\n'), { message: /before any # HELP/ });
  t.throws(() => parsePrometheusText('# HELP a A.\n# TYPE a gauge\na{x=1} 3\n'), { message: /bad labels/ });
  t.throws(() => parsePrometheusText('# HELP a A.\n# TYPE a gauge\na 3x\n'), { message: /bad value/ });
  t.throws(() => parsePrometheusText('# HELP a A.\n# TYPE a gauge\nb 3\n'), { message: /does not belong/ });
  t.throws(() => parsePrometheusText('# HELP h H.\n# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'), { message: /\+Inf bucket/ });
  t.throws(() => parsePrometheusText(ok.trimEnd()), { message: /newline/ });
});
