/** Test fixtures for checkout suites: products with chosen prices, created over the admin API. */
import assert from 'node:assert/strict';
import type { Client } from './daemon.js';
import type { Product } from '../../daemon/protocol.js';

let seq = 0;

export async function makeProduct(
  d: Client,
  input: { name?: string; price_cents: number; barcode?: string | null; active?: boolean },
): Promise<Product> {
  seq++;
  const res = await d.post(
    '/api/v1/products',
    {
      name: input.name ?? `Test product ${seq}`,
      price_cents: input.price_cents,
      barcode: input.barcode === undefined ? `TST${Date.now() % 1e6}${seq}` : input.barcode,
      ...(input.active === undefined ? {} : { active: input.active }),
    },
    { admin: true },
  );
  assert.equal(res.status, 201, res.text);
  return res.body;
}

export function addItem(d: Client, terminal: string, body: object) {
  return d.post(`/api/v1/terminals/${terminal}/cart/items`, body);
}

let keySeq = 0;
export function newKey(): string {
  return `key-${process.pid}-${++keySeq}-${Math.random().toString(36).slice(2, 10)}`;
}
