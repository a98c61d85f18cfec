/**
 * Demo catalog: seeded on the first demo start only (an empty, newly created catalog).
 * Barcodes are EAN-13 in the GS1 "restricted circulation" range 20-29 (in-store numbers), so
 * they never collide with a real article, with check digits computed, not typed.
 */
import { gs1CheckDigit } from './barcode.js';

const ITEMS: Array<[string, number, string, number]> = [
  ['Mineralwasser 0,5 l', 150, 'Getränke', 19],
  ['Apfelschorle 0,5 l', 220, 'Getränke', 19],
  ['Cola 0,33 l', 250, 'Getränke', 19],
  ['Cola Zero 0,33 l', 250, 'Getränke', 19],
  ['Orangensaft 0,2 l', 200, 'Getränke', 19],
  ['Eistee Pfirsich 0,5 l', 230, 'Getränke', 19],
  ['Kaffee', 200, 'Heißgetränke', 19],
  ['Cappuccino', 280, 'Heißgetränke', 19],
  ['Tee', 150, 'Heißgetränke', 19],
  ['Bier 0,5 l', 350, 'Getränke', 19],
  ['Radler 0,5 l', 330, 'Getränke', 19],
  ['Brezel', 120, 'Snacks', 7],
  ['Laugenstange mit Butter', 210, 'Snacks', 7],
  ['Bratwurst im Brötchen', 380, 'Snacks', 7],
  ['Kartoffelchips 100 g', 180, 'Snacks', 7],
  ['Schokoriegel', 130, 'Süßes', 7],
  ['Gummibärchen 200 g', 160, 'Süßes', 7],
  ['Muffin Schoko', 250, 'Süßes', 7],
  ['Apfel', 60, 'Obst', 7],
  ['Banane', 50, 'Obst', 7],
  ['Pfand Becher', 200, 'Pfand', 0],
];

export function demoEan13(n: number): string {
  const body = `2100000${String(n).padStart(5, '0')}`;
  return body + gs1CheckDigit(body);
}

export function demoProducts(topupBarcode: string): Array<{
  barcode: string;
  name: string;
  price_cents: number;
  category: string;
  vat_rate: number;
}> {
  return [
    ...ITEMS.map(([name, price_cents, category, vat_rate], i) => ({
      barcode: demoEan13(i + 1),
      name,
      price_cents,
      category,
      vat_rate,
    })),
    { barcode: topupBarcode, name: 'Verschenkt', price_cents: 1, category: 'System', vat_rate: 0 },
  ];
}

/** The demo's quick-keys page: what a club kiosk sells most, without scanning. */
const QUICK = [
  'Bier 0,5 l',
  'Bratwurst im Brötchen',
  'Kaffee',
  'Brezel',
  'Mineralwasser 0,5 l',
  'Cola 0,33 l',
  'Apfelschorle 0,5 l',
  'Radler 0,5 l',
  'Tee',
  'Muffin Schoko',
  'Laugenstange mit Butter',
  'Pfand Becher',
];

export function demoQuickKeys(
  products: Array<{ id: string; name: string }>,
): Array<{ name: string; product_ids: string[] }> {
  const ids = QUICK.map((n) => products.find((p) => p.name === n)?.id).filter(
    (id): id is string => !!id,
  );
  return [{ name: 'Favoriten', product_ids: ids }];
}
