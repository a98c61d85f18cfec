/**
 * Running the shop in real Chromium against the real daemon (fake USB receipt printer): the
 * Z report closes the day with a counted-cash difference shown, a manager refunds one line
 * from the admin sales detail, the sales export link downloads the documented CSV, and the
 * POS "reprint last receipt" button prints a copy.
 */
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ZReport } from '../../daemon/protocol.js';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import { startDaemon } from '../helpers/daemon.js';
import { ADMIN_TOKEN, product, sell, startShop, type Shop } from '../helpers/shop-ops.js';
import {
  nativeFileButtons,
  launchBrowser,
  openPage,
  pageErrors,
  screenshot,
  screenshotBoth,
  SIZES,
} from './support.js';

let shop: Shop;
let browser: Browser;

let page: Page;

/** Intl writes a narrow no-break space before € and may use U+2212 for minus. */
const norm = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/−/g, '-');

before(async () => {
  shop = await startShop();
  browser = await launchBrowser();
  await product(shop.d, { barcode: '5001', name: 'Kaffee', price_cents: 250, vat_rate: 19 });
  await product(shop.d, { barcode: '5002', name: 'Brezel', price_cents: 120, vat_rate: 7 });
  ({ page } = await openPage(browser, `${shop.d.url}/admin`, SIZES.large));
  await page.getByLabel('Admin-Token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('link', { name: 'Tagesabschluss' }).waitFor();
});

after(async () => {
  await browser?.close();
  await shop?.d.stop();
});

describe('shop operations in the UI', () => {
  test('Z report: count the drawer by note and coin, close the day, difference shown', async () => {
    const { d, dev } = shop;
    // 2 × 2,50 € in cash: the drawer should hold 5,00 € (no opening float yet).
    await sell(d, [['5001', 2]], 'cash', 500);
    await page.goto(`${d.url}/admin#closing`);
    const x = page.locator('[data-testid="x-report"]');
    await x.locator('[data-testid="expected"]').filter({ hasText: '5,00' }).waitFor();
    // A payout of 1,00 € (with its reason) opens the drawer and lowers the expected cash.
    dev.clear();
    await page.getByRole('button', { name: 'Entnahme' }).click();
    await page.getByLabel('Betrag (€)').fill('1,00');
    await page.getByLabel('Grund', { exact: true }).fill('Milch gekauft');
    await page.getByRole('button', { name: 'Buchen' }).click();
    await page.getByRole('cell', { name: 'Milch gekauft' }).waitFor();
    await x.locator('[data-testid="expected"]').filter({ hasText: '4,00' }).waitFor();
    assert.ok(
      decodeEscPos(dev.bytes()).ops.some((o) => o.op === 'drawer'),
      'drawer opened',
    );
    const form = page.locator('[data-testid="z-form"]');
    // Counted: 1 × 2 € + 1 × 1 € + 1 × 0,50 € = 3,50 € → 0,50 € missing.
    await form.getByRole('button', { name: '2 €: eins mehr', exact: true }).click();
    await form.getByRole('button', { name: '1 €: eins mehr', exact: true }).click();
    await form.getByLabel('Anzahl 0,50 €', { exact: true }).fill('1');
    await form.locator('[data-testid="counted"]').filter({ hasText: '3,50' }).waitFor();
    const diff = form.locator('[data-testid="difference"]');
    assert.equal(await diff.getAttribute('data-kind'), 'missing');
    assert.match(norm(await diff.textContent()), /-0,50 €/);
    await screenshotBoth(page, 'shop-closing-count', { fullPage: true });
    dev.clear();
    await form.getByRole('button', { name: 'Tag abschließen' }).click();
    await page
      .locator('pos-confirm-dialog')
      .getByRole('button', { name: 'Tag abschließen' })
      .click();
    const z = page.locator('[data-testid="z-report"]');
    await z.getByRole('heading', { name: 'Z-Bericht Nr. 1' }).waitFor();
    await z.getByRole('cell', { name: 'Milch gekauft' }).waitFor();
    assert.match(norm(await z.locator('[data-testid="z-difference"]').textContent()), /-0,50 €/);
    const stored = await d.get<ZReport>('/api/v1/closing/z/1', { admin: ADMIN_TOKEN });
    assert.equal(stored.status, 200, stored.text);
    assert.equal(stored.body.counted_cents, 350);
    assert.equal(stored.body.cash.payouts_cents, 100);
    assert.deepEqual(stored.body.denominations, { '200': 1, '100': 1, '50': 1 });
    assert.equal(stored.body.difference_cents, -50);
    // The report came out of the receipt printer, and the past list names it.
    await page.getByRole('status').filter({ hasText: 'Beleg gedruckt' }).waitFor();
    assert.ok(decodeEscPos(dev.bytes()).lines.some((l) => /Z/.test(l) && /\b1\b/.test(l)));
    await page.getByRole('cell', { name: 'Z-Bericht Nr. 1' }).waitFor();
    await screenshotBoth(page, 'shop-closing-z', { fullPage: true });
    // The browser's print view shows the Z report alone (no forms, no navigation).
    await page.emulateMedia({ media: 'print' });
    assert.equal(await z.isVisible(), true);
    assert.equal(await page.locator('[data-testid="z-form"]').isVisible(), false);
    assert.equal(await page.getByRole('link', { name: 'Artikel' }).isVisible(), false);
    assert.equal(await z.getByRole('button', { name: 'Druckansicht' }).isVisible(), false);
    await screenshot(page, 'shop-closing-z-print', { fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(pageErrors(page), []);
  });

  test('a manager refunds one line in the sales detail; the line shows as refunded', async () => {
    const { d } = shop;
    const sale = await sell(
      d,
      [
        ['5001', 1],
        ['5002', 1],
      ],
      'cash',
      370,
    );
    await page.goto(`${d.url}/admin#sales`);
    await page.getByRole('button', { name: `Verkauf Nr. ${sale.number}` }).click();
    const detail = page.locator('[data-testid="sale-detail"]');
    await detail.getByRole('checkbox', { name: 'Brezel erstatten' }).check();
    await detail.getByLabel('Grund der Erstattung').fill('Brezel war hart');
    await detail.getByRole('button', { name: 'Ausgewählte erstatten (1)' }).click();
    const result = detail.locator('[data-testid="refund-result"]');
    await result.waitFor();
    assert.match(norm(await result.textContent()), /Erstattung R-1 gebucht: 1,20 €/);
    assert.match((await result.textContent()) ?? '', /Bar aus der Kasse/);
    const line = detail.locator('tr[data-line="1"]');
    await line.locator('[data-testid="refunded-tag"]').waitFor();
    assert.equal(
      await detail.getByRole('checkbox', { name: 'Brezel erstatten' }).isDisabled(),
      true,
    );
    assert.equal(
      await detail.getByRole('checkbox', { name: 'Kaffee erstatten' }).isDisabled(),
      false,
    );
    const r = await d.get<{ refunded_line_indexes: number[] }>(`/api/v1/sales/${sale.id}/refunds`, {
      admin: ADMIN_TOKEN,
    });
    assert.deepEqual(r.body.refunded_line_indexes, [1]);
    await screenshotBoth(page, 'shop-refund', { fullPage: true });
    assert.deepEqual(pageErrors(page), []);
  });

  test('the sales export link downloads the CSV with the documented header', async () => {
    await page.goto(`${shop.d.url}/admin#settings`);
    const link = page.locator('[data-testid="sales-csv"]');
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = await download.path();
    const csv = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    const [header, ...rows] = csv.split('\r\n').filter(Boolean);
    assert.ok(header?.startsWith('kind,number,sale_number,business_day,at_utc,at_local'), header);
    assert.ok(
      rows.some((row) => row.startsWith('refund,1,')),
      'the refund row is exported',
    );
    assert.ok(rows.some((row) => row.includes('Brezel')));
    await screenshotBoth(page, 'shop-settings', { fullPage: true });
    assert.deepEqual(pageErrors(page), []);
  });

  test('settings: shop data saved, printer test page, backup downloaded and restore staged', async () => {
    const { d, dev } = shop;
    await page.goto(`${d.url}/admin#settings`);
    const receipts = page.locator('[data-testid="receipt-settings"]');
    await receipts.getByLabel('Name des Geschäfts').fill('Kiosk Nord');
    await receipts.getByLabel('Steuernummer / USt-IdNr.').fill('DE123456789');
    await receipts.getByRole('button', { name: 'Speichern' }).click();
    await receipts.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
    const saved = await d.get<{ shop_name: string; tax_id: string }>(
      '/api/v1/admin/settings/receipts',
      { admin: ADMIN_TOKEN },
    );
    assert.equal(saved.body.shop_name, 'Kiosk Nord');
    assert.equal(saved.body.tax_id, 'DE123456789');

    const printer = page.locator('[data-testid="printer-settings"]');
    await printer.getByText('Verbunden').waitFor();
    dev.clear();
    await printer.getByRole('button', { name: 'Testseite drucken' }).click();
    await printer.getByRole('status').filter({ hasText: 'Erledigt' }).waitFor();
    assert.ok(decodeEscPos(dev.bytes()).lines.includes('Druckertest'));

    const backup = page.locator('[data-testid="backup"]');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      backup.getByRole('link', { name: 'Sicherung herunterladen (.tar.gz)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^counter-pos-backup-.*\.tar\.gz$/);
    // The file field speaks German, not the browser's "Choose File": our button and the name.
    assert.deepEqual(await nativeFileButtons(page), []);
    const chosen = backup.getByTestId('restore-chosen');
    assert.equal((await chosen.textContent())?.trim(), 'Keine Datei gewählt');
    // A file that is no backup is refused in plain words and nothing is staged.
    await backup.getByLabel('Sicherungsdatei').setInputFiles({
      name: 'kaputt.tar.gz',
      mimeType: 'application/gzip',
      buffer: Buffer.from('not a backup'),
    });
    assert.equal((await chosen.textContent())?.trim(), 'kaputt.tar.gz');
    await backup.getByRole('button', { name: 'Hochladen und prüfen' }).click();
    await backup.getByRole('alert').filter({ hasText: 'Nicht übernommen' }).waitFor();
    assert.equal(await backup.getByRole('status').count(), 0);
    await backup.getByLabel('Sicherungsdatei').setInputFiles(await download.path());
    await backup.getByRole('button', { name: 'Hochladen und prüfen' }).click();
    await backup.getByRole('status').filter({ hasText: 'ab dem nächsten Start' }).waitFor();
    const pending = await d.get<{ pending: boolean }>('/api/v1/admin/restore', {
      admin: ADMIN_TOKEN,
    });
    assert.equal(pending.body.pending, true);
    assert.equal(await backup.getByRole('alert').count(), 0, 'no error shown next to it');
    await screenshotBoth(page, 'shop-settings-restored', { fullPage: true });
    assert.deepEqual(pageErrors(page), []);
  });

  test('POS: "reprint last receipt" on the main screen prints a copy', async () => {
    const { d, dev } = shop;
    const sale = await sell(d, [['5002', 2]], 'cash', 500);
    const pos = await openPage(browser, `${d.url}/pos`, SIZES.small);
    try {
      await pos.page
        .locator('[data-testid="terminal-label"]')
        .filter({ hasText: 'Kasse 1' })
        .waitFor();
      dev.clear();
      await pos.page.getByRole('button', { name: 'Letzten Beleg drucken' }).click();
      await pos.page.getByText('Beleg gedruckt').waitFor();
      const printed = decodeEscPos(dev.bytes()).lines.join('\n');
      assert.match(printed, /KOPIE/);
      assert.match(printed, new RegExp(`\\b${sale.number}\\b`));
      await screenshotBoth(pos.page, 'shop-pos-reprint');
      assert.deepEqual(pageErrors(pos.page), []);
    } finally {
      await pos.context.close();
    }
  });

  test('POS on the kiosk itself takes DEFAULT_TERMINAL_ID from the snapshot; ?terminal= wins', async () => {
    const d = await startDaemon({ env: { DEFAULT_TERMINAL_ID: 'tresen' } });
    try {
      const kiosk = await openPage(browser, `${d.url}/pos`, SIZES.small);
      const label = kiosk.page.locator('[data-testid="terminal-label"]');
      // The kiosk screen's till is "Kasse 1" whatever its id (here the configured "tresen").
      await label.filter({ hasText: 'Kasse 1' }).waitFor();
      await kiosk.page.locator('pos-status-dot [data-state="connected"]').waitFor();
      // The cart shown is the configured till's: a scan routed to it appears here.
      const r = await d.post('/api/v1/terminals/tresen/cart/items', {
        product_id: d.app.catalog.list()[0]!.id,
        quantity: 1,
      });
      assert.equal(r.status, 200, r.text);
      await kiosk.page.locator('pos-cart li').first().waitFor();
      assert.deepEqual(pageErrors(kiosk.page), []);
      await kiosk.context.close();
      const pinned = await openPage(browser, `${d.url}/pos?terminal=hinten`, SIZES.small);
      await pinned.page.locator('pos-status-dot [data-state="connected"]').waitFor();
      assert.equal(
        await pinned.page.locator('[data-testid="terminal-label"]').innerText(),
        'Kasse hinten',
      );
      await pinned.context.close();
    } finally {
      await d.stop();
    }
  });
});
