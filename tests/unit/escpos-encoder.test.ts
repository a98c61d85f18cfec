import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EscPos, encodePc858 } from '../../daemon/printer/escpos.js';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';

const hex = (b: Buffer) => b.toString('hex').replace(/(..)/g, '$1 ').trim();

// Expected bytes below are written out from the Epson ESC/POS reference, not from the encoder.

test('init(): ESC @ then ESC t 19 (PC858)', () => {
  assert.equal(hex(new EscPos().init().bytes()), '1b 40 1b 74 13');
});

test('align(), bold(), size(), feed(), line()', () => {
  const b = new EscPos()
    .align('center')
    .bold(true)
    .size(2, 2)
    .line('AB')
    .size(1, 1)
    .bold(false)
    .align('right')
    .feed(2)
    .bytes();
  assert.equal(hex(b), '1b 61 01 1b 45 01 1d 21 11 41 42 0a 1d 21 00 1b 45 00 1b 61 02 1b 64 02');
});

test('size(1, 2): double height only', () => {
  assert.equal(hex(new EscPos().size(1, 2).bytes()), '1d 21 01');
});

test('qr(data): GS ( k model 2, module size, error level M, store, print', () => {
  const b = new EscPos().qr('https://p/r/x', { moduleSize: 4, errorLevel: 'M' }).bytes();
  const data = Buffer.from('https://p/r/x').toString('hex').replace(/(..)/g, '$1 ').trim();
  assert.equal(
    hex(b),
    [
      '1d 28 6b 04 00 31 41 32 00', // fn 165: model 2
      '1d 28 6b 03 00 31 43 04', // fn 167: module size 4
      '1d 28 6b 03 00 31 45 31', // fn 169: level M (49)
      `1d 28 6b 10 00 31 50 30 ${data}`, // fn 180: store 13 bytes (pL = 13 + 3)
      '1d 28 6b 03 00 31 51 30', // fn 181: print
    ].join(' '),
  );
});

test('qr(data) refuses empty or oversized data', () => {
  assert.throws(() => new EscPos().qr(''), RangeError);
  assert.throws(() => new EscPos().qr('x'.repeat(1001)), RangeError);
});

test('cut(3): GS V 66 3 (feed and partial cut)', () => {
  assert.equal(hex(new EscPos().cut(3).bytes()), '1d 56 42 03');
});

test('drawerKick(): ESC p 0 25 250 (pin 2, 50 ms on, 500 ms off)', () => {
  assert.equal(hex(new EscPos().drawerKick().bytes()), '1b 70 00 19 fa');
  assert.equal(hex(new EscPos().drawerKick(5).bytes()), '1b 70 01 19 fa');
});

test('encodePc858(): German text and the euro sign', () => {
  // PC858: ä 84, ö 94, ü 81, ß E1, Ä 8E, Ö 99, Ü 9A, € D5, é 82, ° F8
  assert.equal(hex(encodePc858('äöüßÄÖÜ€é°')), '84 94 81 e1 8e 99 9a d5 82 f8');
  assert.equal(hex(encodePc858('Käse 2,50')), '4b 84 73 65 20 32 2c 35 30');
});

test('encodePc858(): drops control characters, strips accents it cannot print, ? for the rest', () => {
  assert.equal(encodePc858('a\nb\u0007c').toString('latin1'), 'abc');
  assert.equal(encodePc858('ő').toString('latin1'), 'o'); // not in PC858: base letter
  assert.equal(encodePc858('✓').toString('latin1'), '?');
});

test('decodeEscPos(): reads back text, emphasis and commands', () => {
  const b = new EscPos()
    .init()
    .drawerKick()
    .bold(true)
    .line('Grüße €')
    .bold(false)
    .line('plain')
    .qr('https://p/r/x')
    .cut(3)
    .bytes();
  const d = decodeEscPos(b);
  assert.deepEqual(d.lines, ['Grüße €', 'plain']);
  assert.deepEqual(d.emphasised, ['Grüße €']);
  assert.deepEqual(
    d.ops.map((o) => o.op),
    ['init', 'codepage', 'drawer', 'bold', 'bold', 'qr', 'cut'],
  );
  assert.deepEqual(d.ops[2], { op: 'drawer', pin: 2, on_ms: 50, off_ms: 500 });
  assert.deepEqual(d.ops[5], { op: 'qr', data: 'https://p/r/x', module_size: 6, error_level: 'M' });
});

test('decodeEscPos(): unknown or truncated commands are errors', () => {
  assert.throws(() => decodeEscPos(Buffer.from([0x1b, 0x99])), /unknown ESC/);
  assert.throws(() => decodeEscPos(Buffer.from([0x1d, 0x28, 0x6b, 0x10, 0x00, 0x31])), /truncated/);
});
