import type { MetricFamily } from '@isoscope/shared';
import {
  escapeHelp,
  escapeLabelValue,
  familyHeader,
  formatLabels,
  formatValue,
  joinLabelPairs,
  labelPairs,
  seriesLine,
} from './format';

describe('the text format', () => {
  it('opens a family with HELP and TYPE lines, the help escaped', () => {
    const family = { name: 'x_total', help: 'a \\ b\nc "d"', type: 'counter' } as MetricFamily;
    expect(familyHeader(family)).toBe('# HELP x_total a \\\\ b\\nc "d"\n# TYPE x_total counter\n');
  });

  it('writes a series as name, labels and value on one line', () => {
    expect(seriesLine('up', '{job="a"}', 1)).toBe('up{job="a"} 1\n');
    expect(seriesLine('up', '', 0.5)).toBe('up 0.5\n');
  });

  it('writes labels in the order given, and nothing for no labels', () => {
    expect(formatLabels({ b: '2', a: '1' })).toBe('{b="2",a="1"}');
    expect(formatLabels({})).toBe('');
    expect(labelPairs({ a: '1', b: '2' })).toBe('a="1",b="2"');
    expect(labelPairs({})).toBe('');
  });

  it('joins two runs of pairs in one pair of braces, either of them possibly empty', () => {
    expect(joinLabelPairs('a="1"', 'b="2"')).toBe('{a="1",b="2"}');
    expect(joinLabelPairs('a="1"', '')).toBe('{a="1"}');
    expect(joinLabelPairs('', 'b="2"')).toBe('{b="2"}');
  });

  it('escapes backslash, double quote and newline in label values, and nothing else', () => {
    expect(escapeLabelValue('C:\\x "q"\nnext')).toBe('C:\\\\x \\"q\\"\\nnext');
    const plain = 'registry.example/café:1\ttab';
    expect(escapeLabelValue(plain)).toBe(plain);
  });

  it('escapes backslash and newline in help texts, but not double quotes', () => {
    expect(escapeHelp('"a"\\b\nc')).toBe('"a"\\\\b\\nc');
  });

  it('spells values as Prometheus does', () => {
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(42)).toBe('42');
    expect(formatValue(0.25)).toBe('0.25');
    expect(formatValue(1e21)).toBe('1e+21');
  });
});
