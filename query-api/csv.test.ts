import { describe, expect, it } from 'vitest';
import { csvField, csvTable } from './csv.ts';

describe('csvField', () => {
  it.each<[string | null, string]>([
    ['A-1001', 'A-1001'],
    ['', ''],
    [null, ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line1\nline2', '"line1\nline2"'],
    ['cr\rlf', '"cr\rlf"'],
    ['crlf\r\nend', '"crlf\r\nend"'],
    [' padded ', ' padded '],
    ['ünïcødé ✓', 'ünïcødé ✓'],
    // spreadsheet formulas are defused with a leading apostrophe (then quoted if needed)
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['=HYPERLINK("u","x")', `"'=HYPERLINK(""u"",""x"")"`],
    ['a=b', 'a=b'],
  ])('%j → %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('csvTable', () => {
  it('writes a header row and data rows, each ended by CRLF', () => {
    expect(csvTable(['id', 'note'], [['1', 'plain'], ['2', 'a, "b"\nc'], ['3', null]])).toBe('id,note\r\n1,plain\r\n2,"a, ""b""\nc"\r\n3,\r\n');
  });

  it('writes only the header for no rows', () => {
    expect(csvTable(['id'], [])).toBe('id\r\n');
  });
});
