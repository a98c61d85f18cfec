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
import { typeText, type Layout } from '../../daemon/scanners/keymaps.js';

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

/** What a German-layout keyboard-wedge scanner sends for `text`, Enter at the end. */
export function germanKeyReports(text: string): string[] {
  return keyReports(text, 'de');
}

/** A HID POS Scanned Data Report (id 2, length, AIM id, data, flags) carrying `text` (≤ 56 bytes). */
export function posReport(text: string, aim = ']C0'): string {
  const r = Buffer.alloc(64);
  r[0] = 2;
  r[1] = text.length;
  r.write(aim, 2, 'latin1');
  r.write(text, 5, 'latin1');
  return r.toString('hex');
}

/**
 * Boot keyboard reports a scanner set to `layout` sends for `text`: each key pressed and
 * released (from the layout tables, HID usage page 0x07), then the terminator key.
 */
export function keyReports(
  text: string,
  layout: Layout,
  terminator: 'enter' | 'tab' | 'none' = 'enter',
): string[] {
  const presses = typeText(text, layout);
  if (!presses) throw new Error(`keyReports: "${text}" cannot be typed on ${layout}`);
  const h = (n: number) => n.toString(16).padStart(2, '0');
  const out: string[] = [];
  const key = (mods: number, usage: number) => {
    out.push(`${h(mods)} 00 ${h(usage)} 00 00 00 00 00`);
    out.push('00 00 00 00 00 00 00 00');
  };
  for (const p of presses) key(p.mods, p.usage);
  if (terminator === 'enter') key(0, 0x28);
  if (terminator === 'tab') key(0, 0x2b);
  return out;
}
