import { parseNetDev } from './netDev';

// /proc/self/net/dev on this host, verbatim.
const HOST = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    6386      58    0    0    0     0          0         0     6386      58    0    0    0     0       0          0
  ifb0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
  ifb1:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
  eth0: 260869383    7171    0    0    0     0          0         0   600678    4318    0    0    0     0       0          0
`;

describe('parseNetDev', () => {
  it('reads every interface and does not count the two header lines', () => {
    const { interfaces, malformed } = parseNetDev(HOST);
    expect(malformed).toBe(0);
    expect(interfaces.map((i) => i.name)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
  });

  it('maps receive and transmit columns', () => {
    const eth0 = parseNetDev(HOST).interfaces[3];
    expect(eth0).toEqual({
      name: 'eth0',
      rxBytes: 260869383,
      rxPackets: 7171,
      rxErrors: 0,
      rxDropped: 0,
      txBytes: 600678,
      txPackets: 4318,
      txErrors: 0,
      txDropped: 0,
    });
  });

  it('takes errors and drops from their own columns, not fifo/frame/colls', () => {
    const line = '  eth1: 100 2 3 4 5 6 7 8 900 10 11 12 13 14 15 16\n';
    const [eth1] = parseNetDev(line).interfaces;
    expect([eth1.rxErrors, eth1.rxDropped, eth1.txBytes, eth1.txPackets, eth1.txErrors, eth1.txDropped]).toEqual([
      3, 4, 900, 10, 11, 12,
    ]);
  });

  it('reads a counter glued to the colon and names with dots and dashes', () => {
    const text = 'veth1a2b-c.10:12345678901 1 0 0 0 0 0 0 2 3 0 0 0 0 0 0\n';
    const [iface] = parseNetDev(text).interfaces;
    expect(iface.name).toBe('veth1a2b-c.10');
    expect(iface.rxBytes).toBe(12345678901);
  });

  it('reads a container netns with only lo (this host)', () => {
    const text = `${HOST.split('\n').slice(0, 2).join('\n')}\n    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n`;
    const { interfaces, malformed } = parseNetDev(text);
    expect(malformed).toBe(0);
    expect(interfaces).toHaveLength(1);
    expect(interfaces[0].rxBytes).toBe(0);
  });

  it('returns nothing for an empty file', () => {
    expect(parseNetDev('')).toEqual({ interfaces: [], malformed: 0 });
  });

  it('skips and counts bad lines, keeping the rest', () => {
    const text = `${HOST}  bad0: 1 2 3\nno colon here 1 2 3\n: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n  bad1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n`;
    const { interfaces, malformed } = parseNetDev(text);
    expect(malformed).toBe(4);
    expect(interfaces).toHaveLength(4);
  });
});
