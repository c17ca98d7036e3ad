import { parseBlkio } from './blkio';

// blkio.throttle.io_service_bytes_recursive of a cgroup on this host after 1 MiB of direct writes and reads.
const SERVICE_BYTES = `254:0 Read 1052672
254:0 Write 1048576
254:0 Sync 2101248
254:0 Async 0
254:0 Discard 0
254:0 Total 2101248
Total 2101248
`;

// blkio.throttle.io_serviced_recursive of the same cgroup.
const SERVICED = `254:0 Read 257
254:0 Write 257
254:0 Sync 514
254:0 Async 0
254:0 Discard 0
254:0 Total 514
Total 514
`;

describe('parseBlkio', () => {
  it('reads io_service_bytes: one entry per device and op, without the summary line', () => {
    const { entries, malformed } = parseBlkio(SERVICE_BYTES);
    expect(malformed).toBe(0);
    expect(entries).toHaveLength(6);
    expect(entries[0]).toEqual({ major: 254, minor: 0, op: 'Read', value: 1052672 });
    expect(entries.find((e) => e.op === 'Write')?.value).toBe(1048576);
    expect(entries.filter((e) => e.op === 'Total')).toEqual([{ major: 254, minor: 0, op: 'Total', value: 2101248 }]);
  });

  it('reads io_serviced', () => {
    const { entries } = parseBlkio(SERVICED);
    expect(entries.find((e) => e.op === 'Read')?.value).toBe(257);
    expect(entries.find((e) => e.op === 'Sync')?.value).toBe(514);
  });

  it('reads a cgroup with no IO ("Total 0", as every container on this host shows) as no entries', () => {
    expect(parseBlkio('Total 0\n')).toEqual({ entries: [], malformed: 0 });
    expect(parseBlkio('')).toEqual({ entries: [], malformed: 0 });
  });

  it('keeps devices apart', () => {
    const { entries } = parseBlkio('8:0 Read 4096\n8:16 Read 8192\nTotal 12288\n');
    expect(entries.map((e) => [e.major, e.minor, e.value])).toEqual([
      [8, 0, 4096],
      [8, 16, 8192],
    ]);
  });

  it('skips and counts bad lines', () => {
    const { entries, malformed } = parseBlkio(
      '8:0 Read 4096\n8:0 Bogus 1\nsda Read 1\n8:0 Write -1\n8:0 Write\nTotal x\n'
    );
    expect(entries).toHaveLength(1);
    expect(malformed).toBe(5);
  });
});
