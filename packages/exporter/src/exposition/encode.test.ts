import fc from 'fast-check';
import { seriesBound, seriesBytes } from './encode';
import { formatLabels, joinLabelPairs, labelPairs, seriesLine } from './format';

/** What format.ts spells for the same line: the reference. */
function reference(
  name: string,
  prefix: Record<string, string>,
  extra: Record<string, string> | undefined,
  value: number
) {
  const pairs = labelPairs(prefix);
  const labels = pairs || extra ? joinLabelPairs(pairs, extra ? labelPairs(extra) : '') : formatLabels({});
  return seriesLine(name, labels, value);
}

/** seriesBytes into a buffer of exactly seriesBound bytes, as text (or the bytes). */
function encoded(
  name: string,
  prefix: Record<string, string>,
  extra: Record<string, string> | undefined,
  value: number
) {
  const nameBytes = Buffer.from(name);
  const prefixBytes = Buffer.from(labelPairs(prefix));
  const dst = Buffer.alloc(seriesBound(nameBytes, prefixBytes, extra));
  const end = seriesBytes(dst, 0, nameBytes, prefixBytes, extra, value);
  return dst.subarray(0, end);
}

const text = (...args: Parameters<typeof encoded>) => encoded(...args).toString('utf8');

const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,20}$/);
/** Label values as runtimes give them: ASCII, the format's specials, non-ASCII, lone surrogates. */
const labelValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('a"b', 'c:\\d', 'e\nf', 'café', '容器', '\\"\n', '', 'lone \ud800 surrogate')
);
const labels = fc.dictionary(labelName, labelValue, { maxKeys: 6 });
const value = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -0, 1e21, 2 ** 53, -(2 ** 53), 0.1, 123456.789, Infinity, -Infinity, NaN)
);

describe('series lines written as bytes', () => {
  it('are byte for byte the lines format.ts spells, within the bound they ask for', () => {
    fc.assert(
      fc.property(labelName, labels, fc.option(labels, { nil: undefined }), value, (name, prefix, extra, v) => {
        // As bytes: what goes on the wire (a lone surrogate is U+FFFD in both).
        expect(encoded(name, prefix, extra, v).equals(Buffer.from(reference(name, prefix, extra, v)))).toBe(true);
      }),
      { numRuns: 2000 }
    );
  });

  it("write a container line, its own labels after the container's", () => {
    expect(text('container_namespace_inode', { id: '/docker/ab', name: 'web' }, { ns_type: 'net' }, 4026532000)).toBe(
      'container_namespace_inode{id="/docker/ab",name="web",ns_type="net"} 4026532000\n'
    );
    expect(text('up', { id: '/' }, undefined, -12.5)).toBe('up{id="/"} -12.5\n');
  });

  it('escape label values of the family as the format asks, and encode them as UTF-8', () => {
    expect(text('x', { id: '/' }, { device: 'C:\\ "d"\nné' }, 1)).toBe('x{id="/",device="C:\\\\ \\"d\\"\\nné"} 1\n');
  });

  it('leave the bytes after the line alone', () => {
    const dst = Buffer.alloc(64, 0xff);
    const end = seriesBytes(dst, 3, Buffer.from('a'), Buffer.from('id="/"'), undefined, 7);
    expect(dst.subarray(3, end).toString()).toBe('a{id="/"} 7\n');
    expect([...dst.subarray(end)].every((b) => b === 0xff)).toBe(true);
  });
});
