import { countBits, parseProcStatus } from './procStatus';

// /proc/<pid>/status of a process in a Docker container on this host (default profile), verbatim.
const DOCKER_STATUS = `Name:	sleep
Umask:	0022
State:	S (sleeping)
Tgid:	4255
Ngid:	0
Pid:	4255
PPid:	4235
TracerPid:	0
Uid:	0	0	0	0
Gid:	0	0	0	0
FDSize:	64
Groups:	0 
NStgid:	4255	1
NSpid:	4255	1
NSpgid:	4255	1
NSsid:	4255	1
Kthread:	0
VmPeak:	    2268 kB
VmSize:	    2268 kB
VmRSS:	    1380 kB
Threads:	1
SigQ:	0/96365
CapInh:	0000000000000000
CapPrm:	00000000a80425fb
CapEff:	00000000a80425fb
CapBnd:	00000000a80425fb
CapAmb:	0000000000000000
NoNewPrivs:	0
Seccomp:	2
Seccomp_filters:	1
Speculation_Store_Bypass:	vulnerable
SpeculationIndirectBranch:	always enabled
Cpus_allowed:	1
Cpus_allowed_list:	0
Mems_allowed_list:	0
voluntary_ctxt_switches:	9
nonvoluntary_ctxt_switches:	103
`;

describe('parseProcStatus', () => {
  it("reads a Docker container's process: seccomp filter, default capability set", () => {
    const status = parseProcStatus(DOCKER_STATUS);
    expect(status).toEqual({
      name: 'sleep',
      seccomp: 2,
      noNewPrivs: false,
      capEff: 0xa80425fbn,
      capBnd: 0xa80425fbn,
      threads: 1,
      malformed: 0,
    });
    // Docker's default set has 14 capabilities.
    expect(countBits(status.capEff!)).toBe(14);
  });

  it('reads a host root shell: every capability, no seccomp (this host, kernel 6.18)', () => {
    const status = parseProcStatus(
      'Name:\tprocess_api\nThreads:\t13\nCapEff:\t000001ffffffffff\nCapBnd:\t000001fffeffffff\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n'
    );
    expect(status.threads).toBe(13);
    expect(status.seccomp).toBe(0);
    expect(countBits(status.capEff!)).toBe(41);
    expect(countBits(status.capBnd!)).toBe(40);
  });

  it('reads NoNewPrivs 1 (setpriv --no-new-privs on this host)', () => {
    const status = parseProcStatus('Name:\tcat\nThreads:\t1\nCapEff:\t0000000000000401\nNoNewPrivs:\t1\nSeccomp:\t0\n');
    expect(status.noNewPrivs).toBe(true);
    expect(status.capEff).toBe(0x401n);
    expect(countBits(status.capEff!)).toBe(2);
  });

  it('keeps a name with spaces and parentheses as is', () => {
    expect(parseProcStatus('Name:\tx) (y z\nThreads:\t1\n').name).toBe('x) (y z');
  });

  it('decodes the escapes the kernel writes for backslash and newline, keeping tabs', () => {
    // Binaries named "a\\b<TAB>c" and "n<NEWLINE>l" read back like this on this host.
    expect(parseProcStatus('Name:\ta\\\\b\tc\n').name).toBe('a\\b\tc');
    expect(parseProcStatus('Name:\tn\\nl\nUmask:\t0022\n').name).toBe('n\nl');
  });

  it('leaves every field absent for an empty file', () => {
    expect(parseProcStatus('')).toEqual({ malformed: 0 });
  });

  it('leaves out and counts fields with bad values, keeping the others', () => {
    const status = parseProcStatus('Name:\tsh\nSeccomp:\tx\nNoNewPrivs:\t2\nCapEff:\tzz\nCapBnd:\t\nThreads:\t-1\n');
    expect(status).toEqual({ name: 'sh', malformed: 5 });
  });
});

describe('countBits', () => {
  it('counts set bits', () => {
    expect(countBits(0n)).toBe(0);
    expect(countBits(1n)).toBe(1);
    expect(countBits(0xffn)).toBe(8);
    expect(countBits((1n << 64n) - 1n)).toBe(64);
  });

  it('rejects negative masks', () => {
    expect(() => countBits(-1n)).toThrow(RangeError);
  });

  it('counts the capabilities of any mask the field may hold, up to 128 bits', () => {
    expect(countBits(0n)).toBe(0);
    expect(countBits(0x8000000000000001n)).toBe(2);
    expect(countBits(0x1ffffffffffn)).toBe(41);
    expect(countBits((1n << 128n) - 1n)).toBe(128);
    expect(countBits(0xa5a5a5a5_00000000_ffffffffn)).toBe(48);
  });
});
