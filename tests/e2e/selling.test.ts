/**
 * Selling like a counter (issue 15) in real Chromium at 800x480, in German: category tabs and
 * quick keys (a product without a barcode in at most two taps, words never broken, product
 * images on tiles), the owner arranging quick keys in admin, the open-price keypad.
 * Screenshots: test-artifacts/selling-*.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { gs1CheckDigit } from '../../daemon/catalog/barcode.js';
import type { Cart, Category, Product } from '../../daemon/protocol.js';
import { launchBrowser, openPage, pageErrors, screenshot, SIZES } from './support.js';

let d: TestDaemon;
let browser: Browser;

before(async () => {
  d = await startDaemon();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

async function openPos(terminal: string) {
  const { context, page } = await openPage(
    browser,
    `${d.url}/pos?terminal=${encodeURIComponent(terminal)}`,
    SIZES.small,
  );
  await page.locator('pos-status-dot [data-state="connected"]').waitFor();
  await page.locator('pos-picker button.tile').first().waitFor();
  return { context, page };
}

const tile = (page: Page, name: string) =>
  page.locator('pos-picker button.tile', { has: page.locator('.n', { hasText: name }) });
const tab = (page: Page, name: string) =>
  page.locator('pos-picker [role=tab]').filter({ hasText: new RegExp(`^\\s*(★ )?${name}\\s*$`) });
const cartLine = (page: Page, name: string) => page.locator('pos-cart li', { hasText: name });

/** Words of tile names that the browser broke over two lines (none is the rule). */
function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const picker = document.querySelector('pos-app')!.shadowRoot!.querySelector('pos-picker')!;
    const out: string[] = [];
    for (const el of picker.shadowRoot!.querySelectorAll('.tile .n')) {
      const node = el.firstChild;
      if (!node || node.nodeType !== Node.TEXT_NODE) continue;
      const text = node.textContent ?? '';
      const re = /\S+/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
        if (tops.size > 1) out.push(m[0]);
      }
    }
    return out;
  });
}

describe('selling at the counter (800x480, German)', () => {
  test('quick keys: one tap; a category tab and a tile: two taps; images on tiles', async () => {
    // A product image, to be shown on its tile.
    const brezel = (await d.get<{ products: Product[] }>('/api/v1/products?q=Brezel')).body
      .products[0];
    const png = await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 120, b: 40 } },
    })
      .png()
      .toBuffer();
    const up = await d.request('PUT', `/api/v1/products/${brezel.id}/image`, {
      admin: true,
      raw: png,
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(up.status, 200, up.text);

    const { context, page } = await openPos('e2e-sell-1');
    // The quick-keys page is the first tab and shown at start.
    assert.equal(await tab(page, 'Favoriten').getAttribute('aria-selected'), 'true');
    await screenshot(page, 'selling-quick-keys-800x480');
    await tile(page, 'Bratwurst im Brötchen').click(); // tap 1: sold
    await cartLine(page, 'Bratwurst im Brötchen').waitFor();

    await tab(page, 'Snacks').click(); // tap 1
    await tile(page, 'Kartoffelchips 100 g').click(); // tap 2: sold
    await cartLine(page, 'Kartoffelchips').waitFor();
    // The tab shows its category only.
    assert.equal(await tile(page, 'Bier 0,5 l').count(), 0);
    const img = tile(page, 'Brezel').locator('img');
    await img.waitFor();
    await page.waitForFunction(
      (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
      await img.elementHandle(),
    );
    assert.deepEqual(await brokenWords(page), [], 'no word is broken over two lines');
    await screenshot(page, 'selling-category-tab-800x480');
    for (const name of ['Getränke', 'Heißgetränke', 'Süßes', 'Obst', 'Alle']) {
      await tab(page, name).click();
      assert.deepEqual(await brokenWords(page), [], `no broken word on ${name}`);
    }
    const cart = (await d.get<Cart>('/api/v1/terminals/e2e-sell-1/cart')).body;
    assert.deepEqual(
      cart.lines.map((l) => [l.name, l.quantity]),
      [
        ['Bratwurst im Brötchen', 1],
        ['Kartoffelchips 100 g', 1],
      ],
    );
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('one entry field: a typed name finds, Enter adds the one match; digits are a barcode', async () => {
    const { context, page } = await openPos('e2e-sell-2');
    const entry = page.getByLabel('Artikel suchen oder Barcode eingeben');
    await entry.fill('gummi');
    await tile(page, 'Gummibärchen 200 g').waitFor();
    await page.locator('pos-picker button.tile').nth(1).waitFor({ state: 'detached' });
    await entry.press('Enter');
    await cartLine(page, 'Gummibärchen').waitFor();
    const tee = (await d.get<{ products: Product[] }>('/api/v1/products?q=Tee')).body.products.find(
      (p) => p.name === 'Tee',
    )!;
    await entry.fill(tee.barcode!);
    await entry.press('Enter');
    await cartLine(page, 'Tee').waitFor();
    assert.equal(await entry.inputValue(), '', 'the field is empty for the next entry');
    await context.close();
  });

  test('the owner puts a product on the quick keys in admin; the till shows it live', async () => {
    const pos = await openPos('e2e-sell-3');
    const admin = await openPage(browser, `${d.url}/admin#categories`, SIZES.large);
    await admin.page.getByLabel('Admin-Token').fill('demo-admin-token');
    await admin.page.getByLabel('Admin-Token').press('Enter');
    const add = admin.page.getByTestId('quick-add-0');
    await add.waitFor();
    await add.selectOption({ label: 'Gummibärchen 200 g' });
    // Up twice: from the end of the page to third from the end.
    await admin.page.getByRole('button', { name: 'Gummibärchen 200 g nach oben' }).click();
    await admin.page.getByTestId('quick-save').click();
    await admin.page.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
    const pages = (await d.get('/api/v1/quick-keys')).body.pages;
    const ids: string[] = pages[0].product_ids;
    const gummi = (await d.get<{ products: Product[] }>('/api/v1/products?q=Gummi')).body
      .products[0];
    assert.equal(ids.indexOf(gummi.id), ids.length - 2, 'placed where the owner moved it');
    await screenshot(admin.page, 'selling-admin-categories-1280x800', { fullPage: true });
    await tile(pos.page, 'Gummibärchen 200 g').waitFor();
    const names = await pos.page.locator('pos-picker button.tile .n').allTextContents();
    assert.equal(names.indexOf('Gummibärchen 200 g'), ids.length - 2, 'the till keeps the order');
    await admin.context.close();
    await pos.context.close();
  });

  test('open price: keypad, VAT choice and text; also offered on an unknown barcode', async () => {
    const { context, page } = await openPos('e2e-sell-4');
    await page.getByTestId('open-price').click();
    const dialog = page.locator('pos-open-price-dialog dialog[open]');
    await dialog.waitFor();
    for (const k of ['1', '2', '3', '4']) await dialog.locator(`button[data-key="${k}"]`).click();
    await page.getByTestId('open-amount').filter({ hasText: '12,34' }).waitFor();
    await dialog.locator('button[data-rate="7"]').click();
    await page.getByTestId('open-text').fill('Kuchenstück');
    await screenshot(page, 'selling-open-price-800x480');
    await page.getByTestId('open-confirm').click();
    await dialog.waitFor({ state: 'detached' }).catch(() => dialog.waitFor({ state: 'hidden' }));
    await cartLine(page, 'Kuchenstück').filter({ hasText: 'freier Betrag' }).waitFor();

    // An unknown barcode typed in: the offer to sell it as an open price.
    const entry = page.getByLabel('Artikel suchen oder Barcode eingeben');
    await entry.fill('2999999999990');
    await entry.press('Enter');
    await page.getByTestId('unknown-banner').filter({ hasText: '2999999999990' }).waitFor();
    await screenshot(page, 'selling-unknown-barcode-800x480');
    await page.getByTestId('sell-open').click();
    await dialog.waitFor();
    await page.keyboard.type('250');
    await page.getByTestId('open-amount').filter({ hasText: '2,50' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('cart-total').filter({ hasText: '14,84' }).waitFor();
    const cart = (await d.get<Cart>('/api/v1/terminals/e2e-sell-4/cart')).body;
    assert.deepEqual(
      cart.lines.map((l) => [l.name, l.unit_price_cents, l.vat_rate, l.open_price]),
      [
        ['Kuchenstück', 1234, 7, true],
        ['Freier Betrag', 250, 19, true],
      ],
    );
    assert.equal(await page.getByTestId('unknown-banner').count(), 0, 'the offer is gone');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('weight labels configured in admin; the quantity keypad sets 12 × Brötchen', async () => {
    const admin = await openPage(browser, `${d.url}/admin#categories`, SIZES.large);
    await admin.page.getByLabel('Admin-Token').fill('demo-admin-token');
    await admin.page.getByLabel('Admin-Token').press('Enter');
    await admin.page.getByRole('button', { name: 'Präfix hinzufügen' }).click();
    const row = admin.page.locator('admin-embedded-barcodes li[data-scheme="0"]');
    await row.getByLabel('Präfix', { exact: true }).fill('28');
    await row.getByLabel('Präfix', { exact: true }).press('Tab');
    await row.getByLabel('Enthält').selectOption({ label: 'Gewicht' });
    await admin.page.getByTestId('embedded-save').click();
    await admin.page.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
    const selling = (await d.get('/api/v1/admin/settings/selling', { admin: true })).body;
    assert.deepEqual(selling.embedded_barcodes, [{ prefix: '28', kind: 'weight', item_digits: 5 }]);
    await admin.context.close();

    const base = '281234500000';
    const created = await d.post(
      '/api/v1/products',
      {
        name: 'Bergkäse',
        barcode: base + gs1CheckDigit(base),
        price_cents: 1290,
        vat_rate: 7,
        category: 'Käse',
      },
      { admin: true },
    );
    assert.equal(created.status, 201, created.text);
    const { context, page } = await openPos('e2e-sell-5');
    const label = '281234500482';
    const entry = page.getByLabel('Artikel suchen oder Barcode eingeben');
    await entry.fill(label + gs1CheckDigit(label));
    await entry.press('Enter');
    await cartLine(page, 'Bergkäse').filter({ hasText: '0,482 kg × 12,90 €/kg' }).waitFor();
    await page.getByTestId('cart-total').filter({ hasText: '6,22' }).waitFor();

    await tab(page, 'Snacks').click();
    await tile(page, 'Brezel').click();
    await cartLine(page, 'Brezel').getByTestId('qty-open').click();
    const dialog = page.locator('pos-quantity-dialog dialog[open]');
    await dialog.waitFor();
    await dialog.locator('button[data-qkey="1"]').click();
    await dialog.locator('button[data-qkey="2"]').click();
    await page.getByTestId('qty-value').filter({ hasText: '12' }).waitFor();
    await screenshot(page, 'selling-quantity-800x480');
    await page.getByTestId('qty-confirm').click();
    await page.getByTestId('cart-total').filter({ hasText: '20,62' }).waitFor();
    await screenshot(page, 'selling-weight-line-800x480');
    const cart = (await d.get<Cart>('/api/v1/terminals/e2e-sell-5/cart')).body;
    assert.deepEqual(
      cart.lines.map((l) => [l.name, l.quantity, l.line_total_cents]),
      [
        ['Bergkäse', 1, 622],
        ['Brezel', 12, 1440],
      ],
    );
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('an amount discount typed at the till: 1,50 € off the line, shown and removable', async () => {
    const res = await d.post(
      '/api/v1/products',
      { name: 'Torte', price_cents: 1200, vat_rate: 7, barcode: null },
      { admin: true },
    );
    assert.equal(res.status, 201, res.text);
    const { context, page } = await openPos('e2e-disc-amount');
    await d.post('/api/v1/terminals/e2e-disc-amount/cart/items', { product_id: res.body.id });
    await page.getByTestId('cart-total').filter({ hasText: '12,00' }).waitFor();
    await page.getByTestId('discount-open').click();
    const disc = page.locator('pos-discount-dialog dialog[open]');
    await disc.getByTestId('disc-line').click();
    await disc.getByTestId('disc-amount').fill('1,50');
    await screenshot(page, 'selling-discount-dialog-800x480');
    await disc.getByTestId('disc-amount-apply').click();
    await page.getByTestId('cart-total').filter({ hasText: '10,50' }).waitFor();
    await page.locator('pos-cart li', { hasText: /Rabatt\s*−1,50/ }).waitFor();
    await screenshot(page, 'selling-discount-amount-800x480');
    const cart = (await d.get<Cart>('/api/v1/terminals/e2e-disc-amount/cart')).body;
    assert.deepEqual(
      [cart.total_cents, cart.discounts?.map((x) => [x.amount_cents, x.line_id !== null])],
      [1050, [[150, true]]],
    );
    await page.getByTestId('discount-open').click();
    await disc.getByRole('button', { name: 'Rabatt entfernen' }).click();
    await page.getByTestId('cart-total').filter({ hasText: '12,00' }).waitFor();
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('category image: uploaded in admin, small beside the tab name; tabs without one unchanged', async () => {
    const png = await sharp({
      create: { width: 300, height: 200, channels: 3, background: { r: 30, g: 110, b: 200 } },
    })
      .png()
      .toBuffer();
    const admin = await openPage(browser, `${d.url}/admin#categories`, SIZES.large);
    await admin.page.getByLabel('Admin-Token').fill('demo-admin-token');
    await admin.page.getByLabel('Admin-Token').press('Enter');
    await admin.page
      .getByLabel('Bild der Kategorie Heißgetränke', { exact: true })
      .setInputFiles({ name: 'tasse.png', mimeType: 'image/png', buffer: png });
    await admin.page.getByRole('img', { name: 'Bild der Kategorie Heißgetränke' }).waitFor();
    await screenshot(admin.page, 'selling-admin-category-image-1280x800', { fullPage: true });
    // A file that is no picture: the owner reads why, in German; nothing changes.
    await admin.page.getByLabel('Bild der Kategorie Snacks', { exact: true }).setInputFiles({
      name: 'liste.png',
      mimeType: 'image/png',
      buffer: Buffer.from('kein Bild'),
    });
    await admin.page.getByRole('alert').waitFor();
    assert.doesNotMatch((await admin.page.getByRole('alert').textContent()) ?? '', /image|File/);
    const cats = (await d.get<{ categories: Category[] }>('/api/v1/categories')).body.categories;
    const hot = cats.find((c) => c.name === 'Heißgetränke')!;
    assert.match(hot.image_url ?? '', /^\/api\/v1\/categories\/cat_\w+\/image\?v=/);
    assert.equal(cats.find((c) => c.name === 'Snacks')!.image_url, null);
    await admin.context.close();

    const { context, page } = await openPos('e2e-sell-6');
    const img = tab(page, 'Heißgetränke').locator('img');
    await img.waitFor();
    await page.waitForFunction(
      (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
      await img.elementHandle(),
    );
    const box = (await img.boundingBox())!;
    assert.ok(box.width <= 24 && box.height <= 24, `small: ${box.width}x${box.height}`);
    assert.equal(await tab(page, 'Snacks').locator('img').count(), 0, 'no image, no picture');
    // The name stays on one line beside the picture, every tab at most one line high.
    const heights = await page
      .locator('pos-picker [role=tab]')
      .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().height)));
    assert.ok(Math.max(...heights) === Math.min(...heights), `tabs of one height: ${heights}`);
    await tab(page, 'Heißgetränke').click(); // tap 1
    await screenshot(page, 'selling-category-image-800x480');
    await page.locator('pos-picker button.tile').first().click(); // tap 2: sold
    await page.locator('pos-cart li').first().waitFor();
    await tab(page, 'Snacks').click();
    await tile(page, 'Brezel').click();
    await cartLine(page, 'Brezel').waitFor();
    assert.deepEqual(await brokenWords(page), []);
    const cart = (await d.get<Cart>('/api/v1/terminals/e2e-sell-6/cart')).body;
    assert.equal(cart.lines.length, 2);
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
