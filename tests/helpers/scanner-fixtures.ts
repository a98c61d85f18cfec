/**
 * Recorded HID report sequences (tests/fixtures/hid/*.json), written from the HID Usage Tables
 * (keyboard page 0x07, POS bar code scanner page 0x8C), and a fake HidDevice that replays them
 * through the real reader the node-hid devices use.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { ROOT } from './daemon.js';
import type { HidDevice } from '../../daemon/scanners/device.js';

export const FIXTURE_DIR = path.join(ROOT, 'tests', 'fixtures', 'hid');

export interface HidFixture {
  name: string;
  description: string;
  kind: 'keyboard' | 'hid_pos';
  layout?: 'us' | 'de';
  gap_ms?: number;
  reports: Array<{ t: number; hex: string; note?: string }>;
  expect: string[];
  expect_after_flush?: string[];
  expect_aim?: Array<string | null>;
}

export function loadFixture(name: string): HidFixture {
  const data = JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), 'utf8'));
  return { name, ...data };
}

export function allFixtures(): HidFixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadFixture(f.replace(/\.json$/, '')));
}

export function reportBytes(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}

/** A device whose reports come from the test; close() and errors behave like node-hid's. */
export class FakeHidDevice extends EventEmitter implements HidDevice {
  closed = false;
  closeCount = 0;

  report(hex: string | Buffer): void {
    this.emit('data', typeof hex === 'string' ? reportBytes(hex) : hex);
  }

  fail(message = 'could not read from HID device'): void {
    this.emit('error', new Error(message));
  }

  close(): void {
    this.closed = true;
    this.closeCount++;
  }
}
