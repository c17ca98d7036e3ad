import { parseDiskstats, parseDiskstatsWithErrors } from './diskstats';

// /proc/diskstats on this host, verbatim.
const HOST = `   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       1 loop1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       2 loop2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       3 loop3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       4 loop4 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       5 loop5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       6 loop6 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       7 loop7 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 33761 8556 2180362 66853 13700 18145 2435440 29135 0 22328 97229 4053 63 92696 1170 1990 70
 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
`;

describe('parseDiskstats', () => {
  it('maps major:minor to the device name', () => {
    const devices = parseDiskstats(HOST);
    expect(devices.size).toBe(10);
    expect(devices.get('254:0')).toBe('vda');
    expect(devices.get('253:0')).toBe('zram0');
    expect(devices.get('7:7')).toBe('loop7');
  });

  it("names what blkio and io.stat report (254:0 in this host's blkio sample)", () => {
    expect(parseDiskstats(HOST).get('254:0')).toBe('vda');
    expect(parseDiskstats(HOST).get('254:1')).toBeUndefined();
  });

  it('reads partitions and device-mapper names', () => {
    const devices = parseDiskstats(
      '   8       0 sda 1 2 3 4\n   8       1 sda1 1 2 3 4\n 253       1 dm-1 1 2 3 4\n 259       0 nvme0n1 1 2 3\n'
    );
    expect(Object.fromEntries(devices)).toEqual({ '8:0': 'sda', '8:1': 'sda1', '253:1': 'dm-1', '259:0': 'nvme0n1' });
  });

  it('returns an empty map for an empty file', () => {
    expect(parseDiskstats('').size).toBe(0);
  });

  it('skips bad lines and counts them in the detailed form', () => {
    const { devices, malformed } = parseDiskstatsWithErrors(`x 0 sda 1\n8\n8 1\n${HOST}`);
    expect(malformed).toBe(3);
    expect(devices.size).toBe(10);
    expect(parseDiskstats('x 0 sda 1\n').size).toBe(0);
  });
});
