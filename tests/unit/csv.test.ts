import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  csvField,
  csvLine,
  decodeCsvBytes,
  detectDelimiter,
  isBlankRecord,
  parseCsv,
  unescapeFormula,
  decodeWindows1252,
  PLATFORM_CP1252_OK,
  readCsvRows,
} from '../../daemon/catalog/csv.js';
import { csvStream } from '../../daemon/core/csv.js';

test('parseCsv(text) reads RFC 4180: quotes, doubled quotes, delimiters and newlines in quotes', () => {
  const text =
    'name,price\r\n"Kaffee, groß",2.50\r\n"Er sagte ""Hallo""",1\r\n"Zwei\nZeilen",3\r\n';
  assert.deepEqual(parseCsv(text), [
    ['name', 'price'],
    ['Kaffee, groß', '2.50'],
    ['Er sagte "Hallo"', '1'],
    ['Zwei\nZeilen', '3'],
  ]);
});

test('parseCsv() keeps blank lines so record index + 1 is the spreadsheet row', () => {
  const rows = parseCsv('a,b\n1,2\n\n3,4\n;\n');
  assert.equal(rows.length, 5);
  assert.deepEqual(rows[3], ['3', '4']);
  assert.ok(isBlankRecord(rows[2]));
  assert.equal(isBlankRecord(['', ' ']), true);
  assert.equal(isBlankRecord(['', 'x']), false);
});

test('parseCsv() handles a last line without newline, CR-only lines and the UTF-8 BOM', () => {
  assert.deepEqual(parseCsv('\ufeffa,b\r1,2'), [
    ['a', 'b'],
    ['1', '2'],
  ]);
});

test('parseCsv() refuses an unterminated quoted field', () => {
  assert.throws(() => parseCsv('name\n"open'), /unterminated/);
});

test('detectDelimiter(header) finds ; (German Excel), tab and , outside quotes', () => {
  assert.equal(detectDelimiter('Barcode;Name;Preis'), ';');
  assert.equal(detectDelimiter('barcode\tname\tprice'), '\t');
  assert.equal(detectDelimiter('barcode,name,price'), ',');
  assert.equal(detectDelimiter('"a;b;c",name,price'), ',');
  assert.equal(detectDelimiter('name'), ',');
  assert.deepEqual(parseCsv('name;price\n"Brezel; groß";1,20\n'), [
    ['name', 'price'],
    ['Brezel; groß', '1,20'],
  ]);
});

test('csvField(value) quotes only when needed and neutralises formulas (CSV injection)', () => {
  assert.equal(csvField('Tee'), 'Tee');
  assert.equal(csvField(null), '');
  assert.equal(csvField(150), '150');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('a;b'), '"a;b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`);
  assert.equal(csvField('+49 30 123'), "'+49 30 123");
  assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvField('-cmd|calc'), "'-cmd|calc");
  assert.equal(csvField('\t=1'), "'\t=1");
  assert.equal(csvField('-1.50'), '-1.50', 'plain numbers stay numbers');
});

test('csvLine() → parseCsv() → unescapeFormula() is lossless', () => {
  const samples = [
    'plain',
    'Kaffee, groß',
    'quote " inside',
    'semi;colon',
    'multi\nline',
    '=1+1',
    '+x',
    '-x',
    '@x',
    "'=already",
    '',
    'Ümlaut äöüß €',
  ];
  const text = csvLine(samples);
  assert.ok(text.endsWith('\r\n'));
  const [row] = parseCsv(text, ',');
  assert.deepEqual(row.map(unescapeFormula), samples);
});

test('decodeCsvBytes(bytes, encoding) reads UTF-8, and Windows-1252 only when chosen (issue 19.9: never a silent fallback)', () => {
  assert.equal(decodeCsvBytes(Buffer.from('Getränke;2,50 €', 'utf8')), 'Getränke;2,50 €');
  // "Getränke;2,50 €" as German Excel saves it: ä = 0xE4, € = 0x80.
  const cp1252 = Buffer.from([
    0x47, 0x65, 0x74, 0x72, 0xe4, 0x6e, 0x6b, 0x65, 0x3b, 0x32, 0x2c, 0x35, 0x30, 0x20, 0x80,
  ]);
  assert.throws(() => decodeCsvBytes(cp1252), TypeError, 'not UTF-8: refused, not re-decoded');
  assert.equal(decodeCsvBytes(cp1252, 'windows-1252'), 'Getränke;2,50 €');
  // A UTF-8 byte order mark means UTF-8, whatever was chosen.
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Getränke', 'utf8')]);
  assert.equal(decodeCsvBytes(bom, 'windows-1252'), 'Getränke');
});

test('decodeWindows1252() maps 0x80-0x9F as the WHATWG index does, even where the platform TextDecoder does not', () => {
  const bytes = Uint8Array.from([0x80, 0x82, 0x84, 0x8a, 0x8c, 0x91, 0x92, 0x93, 0x96, 0x99, 0x9f]);
  assert.equal(decodeWindows1252(bytes), '€‚„ŠŒ‘’“–™Ÿ');
  // Bytes Windows-1252 leaves undefined stay the C1 code points (as in the WHATWG index).
  assert.equal(decodeWindows1252(Uint8Array.from([0x81, 0x8d])), '\u0081\u008d');
  // 0xA0-0xFF are Latin-1.
  const high = Uint8Array.from({ length: 96 }, (_, i) => 0xa0 + i);
  assert.equal(decodeWindows1252(high), Buffer.from(high).toString('latin1'));
  assert.equal(typeof PLATFORM_CP1252_OK, 'boolean');
});

async function rows(bytes: Buffer, encoding?: 'utf-8' | 'windows-1252') {
  const out = [];
  for await (const r of readCsvRows(bytes, encoding)) out.push(r);
  return out;
}

test('readCsvRows() numbers records as spreadsheet rows (blank lines, quoted line breaks) and decodes cell by cell', async () => {
  const text = 'name;price\r\n"Zwei\nZeilen";1\r\n\r\nKäse;2\r\n';
  assert.deepEqual(await rows(Buffer.from(text, 'utf8')), [
    { row: 1, fields: ['name', 'price'] },
    { row: 2, fields: ['Zwei\nZeilen', '1'] },
    { row: 3, fields: [''] },
    { row: 4, fields: ['Käse', '2'] },
  ]);
  // One byte that is not UTF-8 spoils its own row only, and names the cell.
  const bad = Buffer.concat([
    Buffer.from('a,b\r\nok,Grün\r\nx,Gr', 'utf8'),
    Buffer.from([0xfc]),
    Buffer.from('n\r\nauch ok,Weiß\r\n', 'utf8'),
  ]);
  assert.deepEqual(await rows(bad), [
    { row: 1, fields: ['a', 'b'] },
    { row: 2, fields: ['ok', 'Grün'] },
    { row: 3, invalid: 'utf-8', column: 1 },
    { row: 4, fields: ['auch ok', 'Weiß'] },
  ]);
  // Chosen Windows-1252: the same byte is ü.
  assert.deepEqual((await rows(bad, 'windows-1252'))[2], { row: 3, fields: ['x', 'Grün'] });
  // A BOM means UTF-8; CR-only line ends are read too.
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\rÄ\r', 'utf8')]);
  assert.deepEqual(await rows(bom, 'windows-1252'), [
    { row: 1, fields: ['a'] },
    { row: 2, fields: ['Ä'] },
  ]);
  await assert.rejects(
    rows(Buffer.from('name\r\nA\r\n"open')),
    /unterminated quoted field \(from row 3\)/,
  );
});

test('csvStream() writes the header, then one chunk per batch, with the same cells as csvLine()', async () => {
  const batches = [
    [['Kaffee, groß', 250]],
    [],
    [
      ['=SUM(A1)', -1],
      ['Tee', null],
    ],
  ];
  const chunks: string[] = [];
  for await (const c of csvStream(['name', 'cents'], batches, { bom: true }))
    chunks.push(String(c));
  assert.deepEqual(chunks, [
    '\ufeffname,cents\r\n',
    '"Kaffee, groß",250\r\n',
    "'=SUM(A1),-1\r\nTee,\r\n",
  ]);
  assert.equal(chunks.slice(1).join(''), batches.flat().map(csvLine).join(''));
  const semi: string[] = [];
  for await (const c of csvStream(['a', 'b'], [[['x;y', 'z']]], { delimiter: ';' }))
    semi.push(String(c));
  assert.equal(semi.join(''), 'a;b\r\n"x;y";z\r\n');
});
