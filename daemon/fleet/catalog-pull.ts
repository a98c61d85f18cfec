/**
 * FLEET_CATALOG=pull: a new catalog version from the centre replaces the local catalog in one
 * durable write (all or nothing) after every product passed the appliance's own rules; the
 * applied version is kept in fleet-catalog.json so a restart does not pull it again.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientBase } from 'pg';
import type { Catalog } from '../catalog/catalog.js';
import { MAX_PRICE_CENTS } from '../catalog/catalog.js';
import { barcodeProblem } from '../catalog/barcode.js';
import { writeFileDurable } from '../store/durable-file.js';
import { VAT_RATES_DEFAULT } from '../protocol.js';
import { catalogVersion, readCatalog } from './centre.js';
import { CatalogInvalid } from './errors.js';

export const CATALOG_STATE_FILE = 'fleet-catalog.json';

export interface CatalogState {
  version: number;
  applied_at: string;
}

/**
 * Pulls the centre's catalog when its version differs from `state`; returns the new state,
 * or null when there was nothing to do. A product the appliance cannot sell refuses the whole
 * version (CatalogInvalid) and changes nothing.
 */
export async function pullCatalog(
  c: ClientBase,
  deps: { catalog: Catalog; dataDir: string; now: () => string },
  state: CatalogState | null,
): Promise<{ state: CatalogState; products: number } | null> {
  const version = await catalogVersion(c);
  if (state?.version === version) return null;
  const { version: v, products, categories } = await readCatalog(c);
  for (const p of products) {
    const why = productProblem(p);
    if (why) throw new CatalogInvalid(`product ${p.id} in the centre: ${why}`);
  }
  await deps.catalog.replaceAll(products, categories);
  const next = { version: v, applied_at: deps.now() };
  await writeFileDurable(path.join(deps.dataDir, CATALOG_STATE_FILE), JSON.stringify(next) + '\n');
  return { state: next, products: products.length };
}

function productProblem(p: {
  name: string;
  price_cents: number;
  vat_rate: number;
  barcode: string | null;
}): string | null {
  if (!p.name.trim() || p.name.length > 120) return 'name must be 1-120 characters';
  if (!Number.isInteger(p.price_cents) || p.price_cents < 0 || p.price_cents > MAX_PRICE_CENTS)
    return `price_cents must be 0 to ${MAX_PRICE_CENTS}`;
  if (!VAT_RATES_DEFAULT.includes(p.vat_rate))
    return `VAT rate ${p.vat_rate} is not one of ${VAT_RATES_DEFAULT.join(', ')}`;
  if (p.barcode) {
    const why = barcodeProblem(p.barcode);
    if (why) return `barcode ${why}`;
  }
  return null;
}

export async function readCatalogState(dataDir: string): Promise<CatalogState | null> {
  try {
    const v = JSON.parse(
      await readFile(path.join(dataDir, CATALOG_STATE_FILE), 'utf8'),
    ) as CatalogState;
    return Number.isInteger(v.version) ? v : null;
  } catch {
    return null;
  }
}
