/**
 * The fleet section of the admin settings page in real Chromium, against a daemon shipping
 * into a real PostgreSQL: the appliance id and "connected" shown, the centre stopped → the
 * page says so in German (translated by the error code), back → connected again; the branch
 * name saved from the page.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startPostgres, type PgCluster } from '../helpers/postgres.js';
import { ADMIN_TOKEN, product, sell, startShop, type Shop } from '../helpers/shop-ops.js';
import { launchBrowser, openPage, pageErrors, screenshot, SIZES } from './support.js';

let centre: PgCluster;
let shop: Shop;
let browser: Browser;

before(async () => {
  centre = await startPostgres();
  const url = await centre.createDatabase('e2e');
  shop = await startShop({ env: { FLEET_DATABASE_URL: url, FLEET_CHECK_SECONDS: '1' } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await shop?.d.stop();
  await centre?.destroy();
});

test('admin settings: fleet section shows id, connection, pending and the outage in plain German words', async () => {
  const { d } = shop;
  await product(d, { barcode: 'E2E1', name: 'Laugenstange', price_cents: 150, vat_rate: 7 });
  await sell(d, [['E2E1', 1]]);
  assert.ok(await d.app.fleet.drained(30_000));
  const { page } = await openPage(browser, `${d.url}/admin`, SIZES.large);
  await page.getByLabel('Admin-Token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('link', { name: 'Tagesabschluss' }).waitFor();
  await page.goto(`${d.url}/admin#settings`);
  const fleet = page.locator('[data-testid="fleet-settings"]');
  await fleet.getByText('Verbunden mit der Zentrale').waitFor();
  const id = d.app.fleet.status().appliance_id!;
  assert.equal(await fleet.getByTestId('fleet-appliance-id').textContent(), id);
  assert.match((await fleet.getByTestId('fleet-pending').textContent()) ?? '', /0 Einträge/);

  await centre.stop();
  await sell(d, [['E2E1', 2]]);
  await fleet
    .getByTestId('fleet-error')
    .filter({ hasText: 'Die Zentrale ist nicht erreichbar' })
    .waitFor({ timeout: 60_000 });
  await fleet.getByText('Keine Verbindung zur Zentrale').waitFor();
  const text = (await fleet.textContent()) ?? '';
  assert.doesNotMatch(text, /ECONNREFUSED|fleet_unreachable/, 'no raw system error on the page');
  await screenshot(page, 'admin-fleet-offline', { fullPage: true });

  await centre.start();
  await fleet.getByText('Verbunden mit der Zentrale').waitFor({ timeout: 60_000 });
  await fleet.getByLabel('Filiale').fill('Marktplatz');
  await fleet.getByRole('button', { name: 'Filialnamen speichern' }).click();
  await fleet.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
  assert.equal(d.app.fleet.status().branch_name, 'Marktplatz');
  assert.deepEqual(pageErrors(page), []);
});
