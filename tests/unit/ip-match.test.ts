import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalIp,
  isLoopbackIp,
  parseRange,
  parseRanges,
  rangeMatcher,
  IpEntryError,
} from '../../daemon/security/ip-match.js';
import { cidrProxyMatcher, normaliseIp } from '../../daemon/security/client-ip.js';

test('canonicalIp(v4) keeps dotted form; refuses short, octal-looking and out-of-range forms', () => {
  assert.equal(canonicalIp('10.0.0.5'), '10.0.0.5');
  assert.equal(canonicalIp(' 192.168.1.1 '), '192.168.1.1');
  for (const bad of ['1.2.3', '256.1.1.1', '010.1.1.1', '1.2.3.4.5', '', 'localhost', '1.2.3.4/24'])
    assert.equal(canonicalIp(bad), null, bad);
});

test('canonicalIp(v6) is RFC 5952 text whatever the input form', () => {
  const same = [
    '2001:db8::1',
    '2001:DB8::1',
    '2001:0db8:0000:0000:0000:0000:0000:0001',
    '2001:db8:0:0:0:0:0:1',
    '[2001:db8::1]',
    '2001:db8::0:1',
  ];
  for (const s of same) assert.equal(canonicalIp(s), '2001:db8::1', s);
  assert.equal(canonicalIp('::'), '::');
  assert.equal(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canonicalIp('1:0:0:1:0:0:0:1'), '1:0:0:1::1'); // longest zero run wins
  assert.equal(canonicalIp('1:0:0:1:1:0:0:1'), '1::1:1:0:0:1'); // first run on a tie
  assert.equal(canonicalIp('fe80::1%eth0'), 'fe80::1'); // zone of a link-local peer dropped
  assert.equal(canonicalIp('1:2:3:4:5:6:1.2.3.4'), '1:2:3:4:5:6:102:304');
  assert.equal(canonicalIp('1:2:3:4:5:6:7:8:9'), null);
  assert.equal(canonicalIp('2001:db8::g'), null);
});

test('canonicalIp(mapped) turns ::ffff:a.b.c.d in any form into a.b.c.d', () => {
  for (const s of ['::ffff:10.0.0.5', '::FFFF:10.0.0.5', '::ffff:a00:5', '0:0:0:0:0:ffff:a00:5'])
    assert.equal(canonicalIp(s), '10.0.0.5', s);
  // IPv4-compatible (deprecated, RFC 4291 §2.5.5.1) is a different address, not IPv4.
  assert.equal(canonicalIp('::10.0.0.5'), '::a00:5');
  assert.equal(normaliseIp('::ffff:127.0.0.1'), '127.0.0.1');
});

test('isLoopbackIp covers 127.0.0.0/8, ::1 and mapped loopback only', () => {
  for (const s of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
    assert.ok(isLoopbackIp(s), s);
  for (const s of ['128.0.0.1', '::', '::2', '10.0.0.1', 'fe80::1', 'garbage', '::127.0.0.1'])
    assert.ok(!isLoopbackIp(s), s);
});

test('parseRange(address) matches exactly that address in any textual form', () => {
  const m = rangeMatcher([parseRange('10.0.0.5'), parseRange('2001:DB8::0:1')]);
  assert.ok(m('10.0.0.5'));
  assert.ok(m('::ffff:10.0.0.5'));
  assert.ok(m('::ffff:a00:5'));
  assert.ok(!m('10.0.0.6'));
  assert.ok(m('2001:0db8:0:0:0:0:0:1'));
  assert.ok(!m('2001:db8::2'));
  assert.ok(!m('not an ip'));
});

test('parseRange(mapped entry) matches the plain IPv4 client and vice versa', () => {
  const mappedEntry = rangeMatcher([parseRange('::ffff:192.168.1.20')]);
  assert.ok(mappedEntry('192.168.1.20'));
  assert.equal(parseRange('::ffff:192.168.1.20').text, '192.168.1.20');
  const mappedRange = parseRange('::ffff:10.0.0.0/120');
  assert.equal(mappedRange.text, '10.0.0.0/24');
  assert.ok(rangeMatcher([mappedRange])('10.0.0.200'));
  assert.ok(!rangeMatcher([mappedRange])('10.0.1.1'));
});

test('parseRange(CIDR) v4 and v6 boundaries', () => {
  const lan = rangeMatcher([parseRange('192.168.1.0/24')]);
  assert.ok(lan('192.168.1.0'));
  assert.ok(lan('192.168.1.255'));
  assert.ok(lan('::ffff:192.168.1.77'));
  assert.ok(!lan('192.168.2.0'));
  assert.ok(!lan('192.168.0.255'));
  const odd = rangeMatcher([parseRange('10.0.0.64/27')]);
  assert.ok(odd('10.0.0.64') && odd('10.0.0.95'));
  assert.ok(!odd('10.0.0.63') && !odd('10.0.0.96'));
  const v6 = rangeMatcher([parseRange('2001:db8::/48')]);
  assert.ok(v6('2001:db8:0:ffff::1'));
  assert.ok(v6('2001:db8::'));
  assert.ok(!v6('2001:db8:1::1'));
  assert.ok(!v6('10.0.0.1'));
});

test('parseRange(/0 and full-length prefixes)', () => {
  const allV4 = rangeMatcher([parseRange('0.0.0.0/0')]);
  assert.ok(allV4('1.2.3.4') && allV4('255.255.255.255') && allV4('::ffff:8.8.8.8'));
  assert.ok(!allV4('2001:db8::1'), 'an IPv4 /0 covers IPv4 only');
  const all = rangeMatcher([parseRange('::/0')]);
  assert.ok(all('2001:db8::1') && all('1.2.3.4'));
  assert.equal(parseRange('2001:db8::1/128').text, '2001:db8::1');
  assert.equal(parseRange('10.1.2.3/32').text, '10.1.2.3');
  const host = rangeMatcher([parseRange('2001:db8::1/128')]);
  assert.ok(host('2001:db8::1') && !host('2001:db8::2'));
  const h4 = rangeMatcher([parseRange('10.1.2.3/32')]);
  assert.ok(h4('10.1.2.3') && !h4('10.1.2.4'));
});

test('parseRange(bad entries) throws IpEntryError with a message naming the entry', () => {
  const cases: Array<[unknown, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    [42, /string/],
    [null, /string/],
    ['printer.local', /not an IPv4 or IPv6/],
    ['1.2.3', /not an IPv4 or IPv6/],
    ['300.1.1.1', /not an IPv4 or IPv6/],
    ['10.0.0.0/33', /0 to 32/],
    ['2001:db8::/129', /0 to 128/],
    ['10.0.0.0/-1', /0 to 32/],
    ['10.0.0.0/', /0 to 32/],
    ['10.0.0.0/8/8', /0 to 32/],
    ['10.0.0.0/ 8', /0 to 32/],
    ['10.0.0.0/abc', /0 to 32/],
    ['192.168.1.5/24', /host bits set; write 192\.168\.1\.0\/24/],
    ['2001:db8::1/48', /host bits set; write 2001:db8::\/48/],
    ['fe80::1%eth0', /zone/],
    ['[::1]', /without \[ \]/],
    ['x'.repeat(200), /too long/],
  ];
  for (const [input, re] of cases) {
    assert.throws(
      () => parseRange(input),
      (e: unknown) => e instanceof IpEntryError && re.test((e as Error).message),
      String(input),
    );
  }
  // A trailing newline from a paste is trimmed, not refused.
  assert.equal(parseRange('1.2.3.4\n').text, '1.2.3.4');
});

test('parseRanges(list) reports each bad row with its index', () => {
  const { ranges, errors } = parseRanges(['10.0.0.1', 'nope', '10.0.0.0/24', '10.0.0.1/8']);
  assert.equal(ranges.length, 2);
  assert.deepEqual(
    errors.map((e) => e.index),
    [1, 3],
  );
});

test('cidrProxyMatcher(TRUST_PROXY) accepts ranges and refuses bad entries', () => {
  const m = cidrProxyMatcher(['10.9.0.0/16', '::1']);
  assert.ok(m('10.9.200.1') && m('::1') && !m('10.8.0.1'));
  assert.throws(() => cidrProxyMatcher(['proxy.lan']), IpEntryError);
});
