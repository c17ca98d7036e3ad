import { ParseError } from './parseError';
import { parseUint } from './values';

describe('ParseError', () => {
  it('is an Error callers can tell apart with instanceof', () => {
    const error = new ParseError('a number', 'abc');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ParseError);
    expect(error.name).toBe('ParseError');
  });

  it('names what was expected and quotes what was found, so blank input is visible', () => {
    expect(new ParseError('a number', '').message).toBe('expected a number, found ""');
    expect(new ParseError('a number', 'x\n').message).toBe('expected a number, found "x\\n"');
  });

  it('cuts long input to a short excerpt', () => {
    const message = new ParseError('a number', 'a'.repeat(5000)).message;
    expect(message.length).toBeLessThan(80);
    expect(message).toContain('…');
  });

  it('is what the value parsers throw', () => {
    expect(() => parseUint('max')).toThrow(ParseError);
  });
});
