/**
 * Categories and quick keys (issue 15.1) against the real daemon: catalog.json version 1's
 * free-text categories become managed categories at start; categories are created, renamed
 * (the products follow), ordered and removed; products are assigned by id or by name; the CSV
 * round trip keeps them; quick keys hold up to 24 products a page in the owner's order.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import type { Category, Product } from '../../daemon/protocol.js';

let d: TestDaemon;
before(async () => {
  d = await startDaemon();
});
after(async () => {
  await d.stop();
});

const admin = { admin: true };
const categories = async () =>
  (await d.get<{ categories: Category[] }>('/api/v1/categories')).body.categories;
const createProduct = async (body: Record<string, unknown>) => {
  const r = await d.post<Product>('/api/v1/products', body, admin);
  assert.equal(r.status, 201, r.text);
  return r.body;
};

test('start migrates catalog.json v1 free-text categories to managed ones, ids on products', async () => {
  const dir = await tempDir();
  await mkdir(dir, { recursive: true });
  const at = '2025-01-01T00:00:00.000Z';
  const v1 = (id: string, name: string, category: string | null) => ({
    id,
    barcode: null,
    name,
    price_cents: 100,
    category,
    vat_rate: 19,
    active: true,
    image_url: null,
    created_at: at,
    updated_at: at,
  });
  await writeFile(
    path.join(dir, 'catalog.json'),
    JSON.stringify({
      schema_version: 1,
      data: {
        products: [
          v1('prd_a', 'Wasser', 'Getränke'),
          v1('prd_b', 'Saft', ' getränke '),
          v1('prd_c', 'Brezel', 'Snacks'),
          v1('prd_d', 'Ohne', null),
          v1('prd_e', 'Leer', ''),
        ],
      },
    }),
  );
  const m = await startDaemon({ dataDir: dir });
  try {
    const cats = (await m.get<{ categories: Category[] }>('/api/v1/categories')).body.categories;
    assert.deepEqual(
      cats.map((c) => [c.name, c.position]),
      [
        ['Getränke', 0],
        ['Snacks', 1],
      ],
      'one category per distinct name (any case), ordered by name',
    );
    assert.ok(cats.every((c) => /^#[0-9a-f]{6}$/.test(c.color)));
    const products = (await m.get<{ products: Product[] }>('/api/v1/products')).body.products;
    const by = (id: string) => products.find((p) => p.id === id)!;
    assert.equal(by('prd_a').category_id, cats[0].id);
    assert.equal(by('prd_b').category_id, cats[0].id, 'the other spelling joins the same one');
    assert.equal(by('prd_b').category, 'Getränke');
    assert.equal(by('prd_c').category_id, cats[1].id);
    assert.equal(by('prd_d').category_id, null);
    assert.equal(by('prd_e').category_id, null);
    assert.equal(by('prd_a').deposit_product_id, null);
    // Written back at once as version 2 (a second start does not migrate again).
    const disk = JSON.parse(await readFile(path.join(dir, 'catalog.json'), 'utf8'));
    assert.equal(disk.schema_version, 2);
    assert.equal(disk.data.categories.length, 2);
    assert.deepEqual(disk.data.quick_keys, []);
    const again = await m.restart();
    const cats2 = (await again.get<{ categories: Category[] }>('/api/v1/categories')).body;
    assert.deepEqual(
      cats2.categories.map((c) => c.id),
      cats.map((c) => c.id),
    );
    await again.stop();
  } finally {
    await m.stop().catch(() => {});
  }
});

test('demo catalog: every product sits in a managed category', async () => {
  const cats = await categories();
  assert.ok(cats.some((c) => c.name === 'Getränke'));
  const products = (await d.get<{ products: Product[] }>('/api/v1/products')).body.products;
  for (const p of products) {
    const cat = cats.find((c) => c.id === p.category_id);
    assert.ok(cat, `${p.name} has a category`);
    assert.equal(p.category, cat.name);
  }
});

test('categories: create, refuse bad input and duplicates, rename follows, order, remove', async () => {
  const before = (await categories()).length;
  const r = await d.post<Category>(
    '/api/v1/categories',
    { name: 'Kuchen', color: '#AA3300', icon: '🍰' },
    admin,
  );
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.color, '#aa3300');
  assert.equal(r.body.position, before, 'a new category goes to the end');
  const kuchen = r.body;

  for (const [body, field] of [
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(61) }, 'name'],
    [{ name: 'Torte', color: 'red' }, 'color'],
    [{ name: 'Torte', color: '#000000', icon: 'abcde' }, 'icon'],
    [{ name: 'Torte', extra: 1 }, 'extra'],
    [{ name: 'Torte' }, 'color'],
  ] as const) {
    const bad = await d.post('/api/v1/categories', body, admin);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.equal(bad.body.error.field, field);
  }
  const dup = await d.post('/api/v1/categories', { name: 'kuchen', color: '#000000' }, admin);
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 'duplicate_category');
  const noAdmin = await d.post('/api/v1/categories', { name: 'Torte', color: '#000000' });
  assert.equal(noAdmin.status, 401);
  assert.equal((await categories()).length, before + 1, 'refusals changed nothing');

  // Assigned by id; an unknown id is refused.
  const torte = await createProduct({
    name: 'Käsekuchen',
    price_cents: 280,
    vat_rate: 7,
    category_id: kuchen.id,
  });
  assert.equal(torte.category, 'Kuchen');
  const unknown = await d.post(
    '/api/v1/products',
    { name: 'X', price_cents: 1, category_id: 'cat_nope' },
    admin,
  );
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.code, 'unknown_category');

  // Rename: the product's name of its category follows.
  const ren = await d.request('PATCH', `/api/v1/categories/${kuchen.id}`, {
    admin: true,
    body: { name: 'Kuchen & Torten' },
  });
  assert.equal(ren.status, 200, ren.text);
  const after = (await d.get<Product>(`/api/v1/products/${torte.id}`)).body;
  assert.equal(after.category, 'Kuchen & Torten');
  assert.equal(after.category_id, kuchen.id);

  // Order: the new category first.
  const ids = (await categories()).map((c) => c.id);
  const wanted = [kuchen.id, ...ids.filter((id) => id !== kuchen.id)];
  const ord = await d.request('PUT', '/api/v1/categories/order', {
    admin: true,
    body: { ids: wanted },
  });
  assert.equal(ord.status, 200, ord.text);
  assert.deepEqual(
    (await categories()).map((c) => c.id),
    wanted,
  );
  const badOrder = await d.request('PUT', '/api/v1/categories/order', {
    admin: true,
    body: { ids: wanted.slice(1) },
  });
  assert.equal(badOrder.status, 400);

  // Remove: the product stays, without a category; positions close the gap.
  const del = await d.request('DELETE', `/api/v1/categories/${kuchen.id}`, admin);
  assert.equal(del.status, 204);
  const left = await categories();
  assert.deepEqual(
    left.map((c) => c.position),
    left.map((_, i) => i),
  );
  const orphan = (await d.get<Product>(`/api/v1/products/${torte.id}`)).body;
  assert.equal(orphan.category_id, null);
  assert.equal(orphan.category, null);
});

test('products name a category by name: an unknown name creates it once', async () => {
  const a = await createProduct({
    name: 'Flammkuchen',
    price_cents: 650,
    vat_rate: 7,
    category: 'Herzhaftes',
  });
  const b = await createProduct({
    name: 'Quiche',
    price_cents: 550,
    vat_rate: 7,
    category: 'herzhaftes',
  });
  assert.ok(a.category_id);
  assert.equal(b.category_id, a.category_id);
  assert.equal(b.category, 'Herzhaftes');
  assert.equal((await categories()).filter((c) => c.name === 'Herzhaftes').length, 1);
  const both = await d.post(
    '/api/v1/products',
    { name: 'Y', price_cents: 1, category: 'A', category_id: a.category_id },
    admin,
  );
  assert.equal(both.status, 400);
});

test('CSV: export writes category names, import assigns and creates categories by name', async () => {
  const csv = (await d.get('/api/v1/products/export.csv', admin)).text;
  assert.match(csv, /,Flammkuchen,6\.50,Herzhaftes,7,yes/);
  const imp = await d.request('POST', '/api/v1/products/import', {
    admin: true,
    headers: { 'content-type': 'text/csv' },
    raw: 'name,price,category\nZwiebelkuchen,4.50,Herzhaftes\nBlechkuchen,2.00,Backwaren\nKaputt,abc,Nie\n',
  });
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.body.created, 2);
  assert.equal(imp.body.errors.length, 1);
  const cats = await categories();
  const herz = cats.find((c) => c.name === 'Herzhaftes')!;
  const back = cats.find((c) => c.name === 'Backwaren');
  assert.ok(back, 'the new name became a category');
  assert.ok(!cats.some((c) => c.name === 'Nie'), 'a refused row creates no category');
  const products = (await d.get<{ products: Product[] }>('/api/v1/products?q=kuchen')).body
    .products;
  assert.equal(products.find((p) => p.name === 'Zwiebelkuchen')?.category_id, herz.id);
  assert.equal(products.find((p) => p.name === 'Blechkuchen')?.category_id, back.id);
  // Importing the export again changes nothing.
  const again = await d.request('POST', '/api/v1/products/import', {
    admin: true,
    headers: { 'content-type': 'text/csv' },
    raw: (await d.get('/api/v1/products/export.csv', admin)).text,
  });
  assert.equal(again.body.created + again.body.updated, 0, again.text);
});

test('quick keys: pages in the owner order, at most 24 products, removed products leave', async () => {
  const products = (await d.get<{ products: Product[] }>('/api/v1/products')).body.products;
  const ids = products
    .slice(0, 5)
    .map((p) => p.id)
    .reverse();
  const put = await d.request('PUT', '/api/v1/quick-keys', {
    admin: true,
    body: { pages: [{ name: 'Favoriten', product_ids: ids }] },
  });
  assert.equal(put.status, 200, put.text);
  const got = (await d.get('/api/v1/quick-keys')).body;
  assert.deepEqual(got.pages[0].product_ids, ids, 'the order is kept as given');

  const many = products.slice(0, 25).map((p) => p.id);
  assert.equal(many.length, 25);
  const full = await d.request('PUT', '/api/v1/quick-keys', {
    admin: true,
    body: { pages: [{ name: 'Zu viel', product_ids: many }] },
  });
  assert.equal(full.status, 400);
  assert.equal(full.body.error.code, 'quick_keys_page_full');
  const unknown = await d.request('PUT', '/api/v1/quick-keys', {
    admin: true,
    body: { pages: [{ name: 'X', product_ids: ['prd_nope'] }] },
  });
  assert.equal(unknown.body.error.code, 'unknown_product');
  const twice = await d.request('PUT', '/api/v1/quick-keys', {
    admin: true,
    body: { pages: [{ name: 'X', product_ids: [ids[0], ids[0]] }] },
  });
  assert.equal(twice.status, 400);
  const pos = await d.request('PUT', '/api/v1/quick-keys', { body: { pages: [] } });
  assert.equal(pos.status, 401, 'the till reads quick keys but cannot change them');
  assert.deepEqual((await d.get('/api/v1/quick-keys')).body.pages[0].product_ids, ids);

  const gone = await createProduct({ name: 'Eintagsfliege', price_cents: 100 });
  await d.request('PUT', '/api/v1/quick-keys', {
    admin: true,
    body: { pages: [{ name: 'Favoriten', product_ids: [gone.id, ...ids] }] },
  });
  assert.equal((await d.request('DELETE', `/api/v1/products/${gone.id}`, admin)).status, 204);
  assert.deepEqual((await d.get('/api/v1/quick-keys')).body.pages[0].product_ids, ids);
});
