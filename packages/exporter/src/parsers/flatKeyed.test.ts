import fc from 'fast-check';
import { FlatKeys, parseFlatKeyed } from './flatKeyed';

// /sys/fs/cgroup/memory/memory.stat (cgroup v1) on this host, verbatim.
const V1_MEMORY_STAT = `cache 9318400
rss 5894144
rss_huge 0
shmem 9084928
mapped_file 7540736
dirty 16384
writeback 0
workingset_refault_anon 0
workingset_refault_file 334
swap 0
swapcached 0
pgpgin 47253
pgpgout 43539
pgfault 54766
pgmajfault 0
inactive_anon 0
active_anon 1531904
inactive_file 0
active_file 233472
unevictable 13447168
hierarchical_memory_limit 9223372036854771712
hierarchical_memsw_limit 9223372036854771712
total_cache 320430080
total_rss 93229056
total_rss_huge 0
total_shmem 9084928
total_mapped_file 111783936
total_dirty 14594048
total_writeback 0
total_workingset_refault_anon 0
total_workingset_refault_file 102287
total_swap 0
total_swapcached 0
total_pgpgin 1840557
total_pgpgout 1765238
total_pgfault 2386290
total_pgmajfault 1135
total_inactive_anon 87085056
total_active_anon 1626112
total_inactive_file 174833664
total_active_file 136511488
total_unevictable 13447168
`;

// cgroup v2 memory.stat as a 5.x kernel printed it (the same text the OOM report dumps for a memcg).
const V2_MEMORY_STAT = `anon 534147072
file 212992
kernel_stack 36864
slab 933888
sock 0
shmem 0
file_mapped 0
file_dirty 0
file_writeback 0
anon_thp 0
inactive_anon 0
active_anon 534048768
inactive_file 0
active_file 151552
unevictable 0
slab_reclaimable 327680
slab_unreclaimable 606208
pgfault 140250
pgmajfault 693
workingset_refault 169950
workingset_activate 1353
workingset_nodereclaim 0
pgrefill 5848
pgscan 859688
pgsteal 180103
`;

describe('parseFlatKeyed', () => {
  it('reads v1 memory.stat: the total_* keys cAdvisor uses', () => {
    const { values, malformed } = parseFlatKeyed(V1_MEMORY_STAT);
    expect(malformed).toBe(0);
    expect(values.size).toBe(42);
    expect(values.get('total_rss')).toBe(93229056);
    expect(values.get('total_cache')).toBe(320430080);
    expect(values.get('total_mapped_file')).toBe(111783936);
    expect(values.get('total_inactive_file')).toBe(174833664);
    expect(values.get('total_pgfault')).toBe(2386290);
    expect(values.get('total_pgmajfault')).toBe(1135);
    expect(values.get('pgfault')).toBe(54766);
    expect(values.get('hierarchical_memory_limit')).toBe(9223372036854771712);
  });

  it('reads v2 memory.stat: anon, file, file_mapped, inactive_file, faults', () => {
    const { values, malformed } = parseFlatKeyed(V2_MEMORY_STAT);
    expect(malformed).toBe(0);
    expect(values.get('anon')).toBe(534147072);
    expect(values.get('file')).toBe(212992);
    expect(values.get('file_mapped')).toBe(0);
    expect(values.get('inactive_file')).toBe(0);
    expect(values.get('active_file')).toBe(151552);
    expect(values.get('pgfault')).toBe(140250);
    expect(values.get('pgmajfault')).toBe(693);
    expect(values.has('total_rss')).toBe(false);
  });

  it('reads v2 cpu.stat (this host, /sys/fs/cgroup/unified/cpu.stat)', () => {
    const { values, malformed } = parseFlatKeyed(
      'usage_usec 108341983\nuser_usec 45964734\nsystem_usec 62377249\nnice_usec 0\n'
    );
    expect(malformed).toBe(0);
    expect(values.get('usage_usec')).toBe(108341983);
    expect(values.get('user_usec')).toBe(45964734);
    expect(values.get('system_usec')).toBe(62377249);
    expect(values.has('nr_periods')).toBe(false);
  });

  it('reads v2 cpu.stat with the controller enabled (keys from cgroup-v2.rst)', () => {
    const text =
      'usage_usec 24259\nuser_usec 16133\nsystem_usec 8126\nnr_periods 120\nnr_throttled 7\nthrottled_usec 351000\nnr_bursts 0\nburst_usec 0\n';
    const { values } = parseFlatKeyed(text);
    expect(values.get('nr_periods')).toBe(120);
    expect(values.get('nr_throttled')).toBe(7);
    expect(values.get('throttled_usec')).toBe(351000);
  });

  it('reads v1 cpu.stat and cpuacct.stat (this host)', () => {
    const cpu = parseFlatKeyed('nr_periods 0\nnr_throttled 0\nthrottled_time 0\nnr_bursts 0\nburst_time 0\n');
    expect([...cpu.values.keys()]).toEqual(['nr_periods', 'nr_throttled', 'throttled_time', 'nr_bursts', 'burst_time']);
    const cpuacct = parseFlatKeyed('user 6352\nsystem 8611\n');
    expect(cpuacct.values.get('user')).toBe(6352);
    expect(cpuacct.values.get('system')).toBe(8611);
  });

  it('reads v1 memory.oom_control, including a non-zero oom_kill', () => {
    // this host's file, then the same after three OOM kills
    expect(parseFlatKeyed('oom_kill_disable 0\nunder_oom 0\noom_kill 0\n').values.get('oom_kill')).toBe(0);
    const { values } = parseFlatKeyed('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    expect(values.get('oom_kill')).toBe(3);
    expect(values.get('under_oom')).toBe(0);
  });

  it('reads v2 memory.events, with and without oom_group_kill (added in 5.17)', () => {
    const events = parseFlatKeyed('low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\noom_group_kill 0\n');
    expect(events.values.get('max')).toBe(17);
    expect(events.values.get('oom_kill')).toBe(1);
    expect(events.values.get('oom_group_kill')).toBe(0);
    expect(parseFlatKeyed('low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n').values.has('oom_group_kill')).toBe(false);
  });

  it('reads cgroup.events (this host)', () => {
    expect(Object.fromEntries(parseFlatKeyed('populated 1\nfrozen 0\n').values)).toEqual({ populated: 1, frozen: 0 });
  });

  it('returns nothing for an empty file and does not count blank lines', () => {
    expect(parseFlatKeyed('')).toEqual({ values: new Map(), malformed: 0 });
    expect(parseFlatKeyed('\n\n').malformed).toBe(0);
  });

  it('works without a trailing newline and with CRLF or tab separators', () => {
    expect(parseFlatKeyed('user 6352\r\nsystem 8611').values.get('system')).toBe(8611);
    expect(parseFlatKeyed('user\t6352').values.get('user')).toBe(6352);
  });

  it('skips and counts bad lines but keeps the good ones', () => {
    const { values, malformed } = parseFlatKeyed('anon 4096\nfile\nfile_mapped -1\nshmem 12 34\nsock abc\nslab 8192\n');
    expect(malformed).toBe(4);
    expect(Object.fromEntries(values)).toEqual({ anon: 4096, slab: 8192 });
  });

  it('keeps huge counters as the nearest Number', () => {
    expect(parseFlatKeyed('pgfault 18446744073709551615\n').values.get('pgfault')).toBe(2 ** 64);
  });

  it('refuses a counter past u64 as a malformed line, in the kernel format too', () => {
    const { values, malformed } = parseFlatKeyed('pgfault 18446744073709551616\npgmajfault 7\n');
    expect(malformed).toBe(1);
    expect([...values]).toEqual([['pgmajfault', 7]]);
  });

  it('reads digits exactly on either side of what a double holds without rounding', () => {
    const { values } = parseFlatKeyed('a 999999999999999\nb 1000000000000000\nc 9007199254740993\nd 000123\n');
    expect(values.get('a')).toBe(999999999999999);
    expect(values.get('b')).toBe(1e15);
    expect(values.get('c')).toBe(Number('9007199254740993'));
    expect(values.get('d')).toBe(123);
  });
});

describe('parseFlatKeyed with the keys a reader wants', () => {
  const WANTED = new FlatKeys(['total_rss', 'total_cache', 'pgfault', 'rss']);

  it('keeps only the wanted keys of v1 memory.stat, by exact name', () => {
    const { values, malformed } = parseFlatKeyed(V1_MEMORY_STAT, WANTED);
    expect(malformed).toBe(0);
    const all = parseFlatKeyed(V1_MEMORY_STAT).values;
    expect(Object.fromEntries(values)).toEqual({
      rss: all.get('rss'),
      total_rss: all.get('total_rss'),
      total_cache: all.get('total_cache'),
      pgfault: all.get('pgfault'),
    });
    // rss_huge and total_rss_huge start with a wanted key but are not it.
    expect(values.has('rss_huge' as never)).toBe(false);
  });

  it('still counts a malformed line whatever its key, and reads a wanted key off the general path', () => {
    const { values, malformed } = parseFlatKeyed('junk line here\nother -1\n  rss   12  \nfile\n', WANTED);
    expect(malformed).toBe(3);
    expect([...values]).toEqual([['rss', 12]]);
  });

  it('is the full parse restricted to the wanted keys, for any file', () => {
    const key = fc.constantFrom('rss', 'total_rss', 'total_cache', 'pgfault', 'rss_huge', 'cache', 'pg', 'x');
    const line = fc.oneof(
      fc.tuple(key, fc.bigInt({ min: 0n, max: 1n << 66n })).map(([k, v]) => `${k} ${v}`),
      fc.string({ maxLength: 30 })
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const text = lines.join('\n');
        const full = parseFlatKeyed(text);
        const some = parseFlatKeyed(text, WANTED);
        expect(some.malformed).toBe(full.malformed);
        expect(Object.fromEntries(some.values)).toEqual(
          Object.fromEntries([...full.values].filter(([k]) => WANTED.has(k)))
        );
      }),
      { numRuns: 1000 }
    );
  });
});
