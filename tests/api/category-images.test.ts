/**
 * Category images (issue 15.1 "optional icon/image") against the real daemon: uploaded like a
 * product image (sharp re-encodes to WebP within 512 px, metadata dropped), served with its
 * content-hash ETag to the till, removable, gone with the category, kept over a restart; a
 * file that is no image is refused with `invalid_image` and nothing is stored.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import type { Category } from '../../daemon/protocol.js';

let d: TestDaemon;
before(async () => {
  d = await startDaemon();
});
after(async () => {
  await d.stop();
});

const admin = { admin: true };

async function jpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 90, b: 200 } } })
    .jpeg()
    .withExifMerge({ IFD0: { Artist: 'Secret Photographer' } })
    .toBuffer();
}

const putImage = (id: string, raw: Buffer | string, type = 'image/jpeg', asAdmin = true) =>
  d.request<Category>('PUT', `/api/v1/categories/${id}/image`, {
    admin: asAdmin,
    raw,
    headers: { 'content-type': type },
  });

const newCategory = async (name: string) => {
  const r = await d.post<Category>('/api/v1/categories', { name, color: '#1d4ed8' }, admin);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.image_url, null, 'a new category has no image');
  return r.body;
};

const stored = (id: string) =>
  access(path.join(d.dataDir, 'images', `${id}.webp`)).then(
    () => true,
    () => false,
  );

test('upload: WebP within 512 px without metadata, listed for the till, served with ETag/304', async () => {
  const cat = await newCategory('Bilder A');
  const res = await putImage(cat.id, await jpeg(1200, 600));
  assert.equal(res.status, 200, res.text);
  assert.match(
    res.body.image_url ?? '',
    new RegExp(`^/api/v1/categories/${cat.id}/image\\?v=[0-9a-f]{12}$`),
  );
  const listed = (await d.get<{ categories: Category[] }>('/api/v1/categories')).body.categories;
  assert.equal(listed.find((c) => c.id === cat.id)?.image_url, res.body.image_url);

  const img = await fetch(d.url + res.body.image_url);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/webp');
  const out = Buffer.from(await img.arrayBuffer());
  const meta = await sharp(out).metadata();
  assert.equal(meta.format, 'webp');
  assert.deepEqual([meta.width, meta.height], [512, 256]);
  assert.equal(meta.exif, undefined, 'EXIF dropped');
  assert.ok(!out.includes('Secret Photographer'));

  const etag = img.headers.get('etag')!;
  assert.equal(etag, `"${res.body.image_url!.split('v=')[1]}"`);
  const again = await fetch(d.url + res.body.image_url, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
});

test('a bad image is refused with a stable code and changes nothing; only admin uploads', async () => {
  const cat = await newCategory('Bilder B');
  const text = await putImage(cat.id, 'just text, not a picture\n', 'image/png');
  assert.equal(text.status, 400);
  assert.equal((text.body as unknown as { error: { code: string } }).error.code, 'invalid_image');
  const wrongType = await putImage(cat.id, await jpeg(10, 10), 'text/plain');
  assert.equal(wrongType.status, 415);
  const cashier = await putImage(cat.id, await jpeg(10, 10), 'image/jpeg', false);
  assert.equal(cashier.status, 401);
  const unknown = await putImage('cat_nosuchthing', await jpeg(10, 10));
  assert.equal(unknown.status, 404);
  const listed = (await d.get<{ categories: Category[] }>('/api/v1/categories')).body.categories;
  assert.equal(listed.find((c) => c.id === cat.id)?.image_url, null, 'nothing recorded');
  assert.equal(await stored(cat.id), false, 'nothing stored');
  assert.equal((await d.get(`/api/v1/categories/${cat.id}/image`)).status, 404);
});

test('delete image: the category stays without one; deleting the category removes its file', async () => {
  const cat = await newCategory('Kuchen');
  const url = (await putImage(cat.id, await jpeg(64, 64))).body.image_url!;
  assert.equal(await stored(cat.id), true);
  const del = await d.request<Category>('DELETE', `/api/v1/categories/${cat.id}/image`, admin);
  assert.equal(del.status, 200, del.text);
  assert.equal(del.body.image_url, null);
  assert.equal(del.body.name, 'Kuchen');
  assert.equal((await fetch(d.url + url)).status, 404);
  assert.equal(await stored(cat.id), false);

  await putImage(cat.id, await jpeg(64, 64));
  assert.equal(await stored(cat.id), true);
  const gone = await d.request('DELETE', `/api/v1/categories/${cat.id}`, admin);
  assert.equal(gone.status, 204);
  assert.equal(await stored(cat.id), false, 'the picture goes with its category');
});

test('the image survives a restart; a rename keeps it', async () => {
  const cat = await newCategory('Eis');
  const url = (await putImage(cat.id, await jpeg(80, 80))).body.image_url!;
  const renamed = await d.request<Category>('PATCH', `/api/v1/categories/${cat.id}`, {
    ...admin,
    body: { name: 'Speiseeis' },
  });
  assert.equal(renamed.body.image_url, url);
  d = await d.restart();
  const listed = (await d.get<{ categories: Category[] }>('/api/v1/categories')).body.categories;
  assert.equal(listed.find((c) => c.id === cat.id)?.image_url, url);
  assert.equal((await fetch(d.url + url)).status, 200);
});
