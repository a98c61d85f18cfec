import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostAllowList, hostName } from '../../daemon/security/hosts.js';

test('hostName(header): name or canonical address, port and trailing dot dropped', () => {
  assert.equal(hostName('Example.ORG:8080'), 'example.org');
  assert.equal(hostName('pos.local.'), 'pos.local');
  assert.equal(hostName('[::1]:8080'), '::1');
  assert.equal(hostName('[0:0:0:0:0:0:0:1]'), '::1');
  assert.equal(hostName('10.0.0.5:80'), '10.0.0.5');
  assert.equal(hostName(undefined), '');
});

test('HostAllowList.allows(): own names and addresses only', () => {
  let now = 0;
  let addresses = ['10.1.2.3'];
  const list = new HostAllowList({
    publicUrl: 'https://kasse.example.org/',
    configured: ['*.shop.lan'],
    fromSettings: () => ['pos.fritz.box'],
    hostname: () => 'counter',
    addresses: () => addresses,
    now: () => now,
  });
  for (const ok of [
    'localhost',
    'app.localhost:8080',
    '127.0.0.1',
    '127.8.9.10:80',
    '[::1]:80',
    '10.1.2.3:8080',
    'counter',
    'COUNTER.local',
    'kasse.example.org',
    'till-2.shop.lan',
    'pos.fritz.box',
    '',
  ])
    assert.ok(list.allows(ok), ok);
  for (const bad of [
    'evil.example',
    'counter.evil.example',
    'shop.lan.evil.example',
    '10.1.2.4',
    'kasse.example.org.evil',
    'localhost.evil.example',
    '[::2]',
  ])
    assert.ok(!list.allows(bad), bad);
  // A new DHCP address is picked up without a restart (re-read at most every 2 s).
  addresses = ['10.1.2.3', '10.9.9.9'];
  assert.ok(!list.allows('10.9.9.9'), 'read less than 2 s ago');
  now += 2001;
  assert.ok(list.allows('10.9.9.9'));
});
