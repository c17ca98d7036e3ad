import { ParseError } from './parseError';
import { parseNamespaceLink } from './nsLink';

describe('parseNamespaceLink', () => {
  it.each([
    ['net:[4026531833]', 'net', 4026531833],
    ['mnt:[4026532177]', 'mnt', 4026532177],
    ['cgroup:[4026531835]', 'cgroup', 4026531835],
    ['time:[4026531834]', 'time', 4026531834],
    ['user:[4026531837]', 'user', 4026531837],
  ])('reads %s (this host, /proc/<pid>/ns)', (target, type, inode) => {
    expect(parseNamespaceLink(target)).toEqual({ type, inode });
  });

  it('tells a container namespace from the host one by inode', () => {
    expect(parseNamespaceLink('net:[4026532181]').inode).not.toBe(parseNamespaceLink('net:[4026531833]').inode);
  });

  it.each(['', 'net', 'net:[]', 'net:[abc]', 'net:4026531833', '/proc/1/ns/net', 'NET:[1]', 'net:[1] x'])(
    'throws ParseError on %j',
    (target) => {
      expect(() => parseNamespaceLink(target)).toThrow(ParseError);
    }
  );
});
