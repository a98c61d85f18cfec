/**
 * German (default) and English strings. `t(key, vars)` fills `{name}` placeholders. The
 * language is kept per browser in localStorage; components re-render through I18nController.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Lang = 'de' | 'en';
export const LANG_KEY = 'pos.lang';

const de = {
  'app.title': 'Kasse',
  'lang.switch': 'English',
  'lang.label': 'Sprache',
  'conn.connected': 'Verbunden',
  'conn.connecting': 'Verbinde …',
  'conn.reconnecting': 'Verbindung wird wiederhergestellt …',
  'conn.offline': 'Offline – neuer Versuch läuft',
  'terminal.label': 'Kasse {id}',
  'terminal.watching': 'Beobachte Kasse {id}',
  'terminal.watch_kiosk': 'Kiosk-Kasse ansehen',
  'terminal.back_own': 'Zurück zur eigenen Kasse',
  'cart.title': 'Warenkorb',
  'cart.empty': 'Noch keine Artikel. Scannen oder unten auswählen.',
  'cart.total': 'Summe',
  'cart.items': '{n} Artikel',
  'cart.clear': 'Leeren',
  'cart.clear_confirm': 'Warenkorb wirklich leeren?',
  'cart.increase': '{name}: eins mehr',
  'cart.decrease': '{name}: eins weniger',
  'cart.remove': '{name} entfernen',
  'cart.quantity': 'Menge',
  'cart.locked': 'Zahlung läuft – Warenkorb gesperrt',
  'common.yes': 'Ja',
  'common.no': 'Nein',
  'common.cancel': 'Abbrechen',
  'common.close': 'Schließen',
  'common.ok': 'OK',
  'common.save': 'Speichern',
  'common.delete': 'Löschen',
  'common.edit': 'Bearbeiten',
  'common.back': 'Zurück',
  'common.loading': 'Lädt …',
  'common.error': 'Fehler: {message}',
  'scan.unknown': 'Unbekannter Barcode: {code}',
  'scan.refused': 'Scan abgelehnt: {reason}',
  'entry.barcode': 'Barcode eingeben',
  'entry.add': 'Hinzufügen',
  'search.label': 'Artikel suchen',
  'search.placeholder': 'Name oder Barcode',
  'search.none': 'Keine Artikel gefunden',
  'search.add': '{name} hinzufügen, {price}',
  'pay.title': 'Bezahlen',
  'pay.with': 'Mit {label} bezahlen',
  'pay.no_providers': 'Keine Zahlungsart verfügbar',
  'pay.topup_note': 'Füllt mit „Verschenkt“ auf das Minimum auf',
  'pay.minimum': 'Mindestbetrag {amount}',
  'cash.title': 'Bar bezahlen',
  'cash.total': 'Zu zahlen',
  'cash.tendered': 'Gegeben',
  'cash.change': 'Rückgeld',
  'cash.not_enough': 'Noch {amount} fehlen',
  'cash.exact': 'Passend',
  'cash.confirm': 'Zahlung abschließen',
  'cash.key_back': 'Letzte Ziffer löschen',
  'cash.key_clear': 'Betrag löschen',
  'card.waiting': 'Warte auf Zahlung …',
  'card.waiting_hint': 'Bitte Karte an das Terminal halten.',
  'card.cancel': 'Zahlung abbrechen',
  'card.app_switch': 'In der SumUp-App bezahlen',
  'card.scan_qr': 'QR-Code mit dem Händler-Handy scannen',
  'result.success': 'Bezahlt',
  'result.change': 'Rückgeld',
  'result.failed': 'Zahlung fehlgeschlagen',
  'result.cancelled': 'Zahlung abgebrochen',
  'result.cart_kept': 'Der Warenkorb bleibt erhalten.',
  'result.new_sale': 'Neuer Verkauf',
  'result.sale_no': 'Beleg Nr. {n}',
  'pairing.button': 'Scanner koppeln',
  'pairing.title': 'Scanner mit dieser Kasse koppeln',
  'pairing.hint': 'Diesen Barcode mit dem Scanner scannen.',
  'pairing.expires': 'Gültig bis {time}',
  'pairing.paired': 'Scanner „{name}“ ist jetzt mit dieser Kasse gekoppelt.',
  'pairing.refused': 'Kopplung abgelehnt: {reason}',
  'pairing.unpaired': 'Scanner „{name}“ ist nicht mehr mit dieser Kasse gekoppelt.',
  'pin.title': 'Mit PIN anmelden',
  'pin.who': 'Wer kassiert?',
  'pin.anyone': 'Nur PIN',
  'pin.label': 'PIN',
  'pin.login': 'Anmelden',
  'pin.logout': 'Abmelden ({name})',
  'pin.wrong': 'Falsche PIN',
  'pin.locked': 'Zu viele falsche Versuche. Bitte {s} s warten.',
  'pin.digit_back': 'Letzte Ziffer löschen',
  'admin.title': 'Verwaltung',
  'admin.login': 'Anmelden',
  'admin.logout': 'Abmelden',
  'admin.token': 'Admin-Token',
  'admin.login_failed': 'Anmeldung fehlgeschlagen: {message}',
  'nav.products': 'Artikel',
  'nav.scanners': 'Scanner',
  'nav.sales': 'Verkäufe',
  'nav.security': 'POS-Sicherheit',
  'nav.providers': 'Zahlungsarten',
  'nav.pos': 'Zur Kasse',
  'products.search': 'Artikel suchen',
  'products.new': 'Neuer Artikel',
  'products.import': 'CSV importieren',
  'products.export': 'CSV exportieren',
  'products.name': 'Name',
  'products.barcode': 'Barcode',
  'products.price': 'Preis (€)',
  'products.category': 'Kategorie',
  'products.vat': 'MwSt. (%)',
  'products.active': 'Aktiv',
  'products.image': 'Bild',
  'products.actions': 'Aktionen',
  'products.none': 'Keine Artikel',
  'products.edit_title': 'Artikel bearbeiten',
  'products.new_title': 'Neuer Artikel',
  'products.delete_confirm': '„{name}“ wirklich löschen?',
  'products.saved': 'Gespeichert',
  'products.image_upload': 'Bild hochladen',
  'products.price_invalid': 'Preis als Betrag eingeben, z. B. 2,50',
  'import.result': '{created} neu, {updated} geändert, {unchanged} unverändert',
  'import.errors': 'Fehler in {n} Zeile(n):',
  'import.row': 'Zeile {row}',
  'scanners.none': 'Noch keine Scanner bekannt.',
  'scanners.name': 'Name',
  'scanners.kind': 'Art',
  'scanners.layout': 'Tastaturbelegung',
  'scanners.enabled': 'Aktiv',
  'scanners.connected': 'Angeschlossen',
  'scanners.terminal': 'Gekoppelt mit',
  'scanners.unpaired': 'Standardkasse',
  'scanners.last_seen': 'Zuletzt gesehen',
  'sales.day': 'Tag',
  'sales.none': 'Keine Verkäufe an diesem Tag.',
  'sales.number': 'Nr.',
  'sales.time': 'Zeit',
  'sales.state': 'Status',
  'sales.provider': 'Zahlungsart',
  'sales.total': 'Betrag',
  'sales.terminal': 'Kasse',
  'sales.report': 'Tagesbericht',
  'sales.revenue_per_hour': 'Umsatz pro Stunde',
  'sales.by_provider': 'Summe je Zahlungsart',
  'sales.count': '{n} Verkäufe',
  'sales.failed_cancelled': '{failed} fehlgeschlagen, {cancelled} abgebrochen',
  'sales.detail': 'Verkauf Nr. {n}',
  'sales.change': 'Rückgeld',
  'sales.tendered': 'Gegeben',
  'sales.reason': 'Grund',
  'state.pending': 'offen',
  'state.succeeded': 'bezahlt',
  'state.failed': 'fehlgeschlagen',
  'state.cancelled': 'abgebrochen',
  'state.refunded': 'erstattet',
  'security.title': 'POS-Sicherheit',
  'security.enabled': 'IP-Whitelist aktiv',
  'security.enabled_hint':
    'Nur Geräte aus der Liste (und der Kiosk selbst) dürfen die Kasse öffnen. Wird sofort gespeichert.',
  'security.current_ip': 'Ihre aktuelle IP',
  'security.add_my_ip': 'Meine IP hinzufügen',
  'security.ip': 'IP-Adresse',
  'security.name': 'Standort / Name',
  'security.add_row': 'Zeile hinzufügen',
  'security.remove_row': 'Zeile {n} entfernen',
  'security.save': 'Änderungen speichern',
  'security.saved': 'Gespeichert',
  'security.unsaved': 'Ungespeicherte Änderungen',
  'security.empty':
    'Die Liste ist leer: es gibt keine Einschränkung, jedes Gerät im Netz kann die Kasse öffnen.',
  'providers.title': 'Zahlungsarten',
  'providers.available': 'Verfügbar',
  'providers.unavailable': 'Nicht verfügbar: {reason}',
  'providers.minimum': 'Mindestbetrag',
  'providers.topup': 'Aufstock-Barcode',
  'providers.none': 'Keine Zahlungsarten bekannt.',
} as const;

export type MessageKey = keyof typeof de;

const en: Record<MessageKey, string> = {
  'app.title': 'Till',
  'lang.switch': 'Deutsch',
  'lang.label': 'Language',
  'conn.connected': 'Connected',
  'conn.connecting': 'Connecting …',
  'conn.reconnecting': 'Reconnecting …',
  'conn.offline': 'Offline – still retrying',
  'terminal.label': 'Till {id}',
  'terminal.watching': 'Watching till {id}',
  'terminal.watch_kiosk': 'Watch the kiosk till',
  'terminal.back_own': 'Back to my till',
  'cart.title': 'Cart',
  'cart.empty': 'No items yet. Scan or pick below.',
  'cart.total': 'Total',
  'cart.items': '{n} items',
  'cart.clear': 'Clear',
  'cart.clear_confirm': 'Really clear the cart?',
  'cart.increase': '{name}: one more',
  'cart.decrease': '{name}: one less',
  'cart.remove': 'Remove {name}',
  'cart.quantity': 'Quantity',
  'cart.locked': 'Payment running – cart locked',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.ok': 'OK',
  'common.save': 'Save',
  'common.delete': 'Delete',
  'common.edit': 'Edit',
  'common.back': 'Back',
  'common.loading': 'Loading …',
  'common.error': 'Error: {message}',
  'scan.unknown': 'Unknown barcode: {code}',
  'scan.refused': 'Scan refused: {reason}',
  'entry.barcode': 'Enter barcode',
  'entry.add': 'Add',
  'search.label': 'Search products',
  'search.placeholder': 'Name or barcode',
  'search.none': 'No products found',
  'search.add': 'Add {name}, {price}',
  'pay.title': 'Pay',
  'pay.with': 'Pay with {label}',
  'pay.no_providers': 'No payment method available',
  'pay.topup_note': 'Tops up to the minimum with "Verschenkt"',
  'pay.minimum': 'Minimum {amount}',
  'cash.title': 'Pay cash',
  'cash.total': 'Amount due',
  'cash.tendered': 'Tendered',
  'cash.change': 'Change',
  'cash.not_enough': '{amount} still missing',
  'cash.exact': 'Exact',
  'cash.confirm': 'Complete payment',
  'cash.key_back': 'Delete last digit',
  'cash.key_clear': 'Clear amount',
  'card.waiting': 'Waiting for payment …',
  'card.waiting_hint': 'Please present the card to the terminal.',
  'card.cancel': 'Cancel payment',
  'card.app_switch': 'Pay in the SumUp app',
  'card.scan_qr': "Scan the QR code with the merchant's phone",
  'result.success': 'Paid',
  'result.change': 'Change',
  'result.failed': 'Payment failed',
  'result.cancelled': 'Payment cancelled',
  'result.cart_kept': 'The cart has been kept.',
  'result.new_sale': 'New sale',
  'result.sale_no': 'Receipt no. {n}',
  'pairing.button': 'Pair scanner',
  'pairing.title': 'Pair a scanner with this till',
  'pairing.hint': 'Scan this barcode with the scanner.',
  'pairing.expires': 'Valid until {time}',
  'pairing.paired': 'Scanner "{name}" is now paired with this till.',
  'pairing.refused': 'Pairing refused: {reason}',
  'pairing.unpaired': 'Scanner "{name}" is no longer paired with this till.',
  'pin.title': 'Log in with your PIN',
  'pin.who': 'Who is at the till?',
  'pin.anyone': 'PIN only',
  'pin.label': 'PIN',
  'pin.login': 'Log in',
  'pin.logout': 'Log out ({name})',
  'pin.wrong': 'Wrong PIN',
  'pin.locked': 'Too many wrong attempts. Please wait {s} s.',
  'pin.digit_back': 'Delete last digit',
  'admin.title': 'Administration',
  'admin.login': 'Log in',
  'admin.logout': 'Log out',
  'admin.token': 'Admin token',
  'admin.login_failed': 'Login failed: {message}',
  'nav.products': 'Products',
  'nav.scanners': 'Scanners',
  'nav.sales': 'Sales',
  'nav.security': 'POS security',
  'nav.providers': 'Payment providers',
  'nav.pos': 'Open the till',
  'products.search': 'Search products',
  'products.new': 'New product',
  'products.import': 'Import CSV',
  'products.export': 'Export CSV',
  'products.name': 'Name',
  'products.barcode': 'Barcode',
  'products.price': 'Price (€)',
  'products.category': 'Category',
  'products.vat': 'VAT (%)',
  'products.active': 'Active',
  'products.image': 'Image',
  'products.actions': 'Actions',
  'products.none': 'No products',
  'products.edit_title': 'Edit product',
  'products.new_title': 'New product',
  'products.delete_confirm': 'Really delete "{name}"?',
  'products.saved': 'Saved',
  'products.image_upload': 'Upload image',
  'products.price_invalid': 'Enter the price as an amount, e.g. 2.50',
  'import.result': '{created} created, {updated} updated, {unchanged} unchanged',
  'import.errors': 'Errors in {n} row(s):',
  'import.row': 'Row {row}',
  'scanners.none': 'No scanners known yet.',
  'scanners.name': 'Name',
  'scanners.kind': 'Kind',
  'scanners.layout': 'Keyboard layout',
  'scanners.enabled': 'Enabled',
  'scanners.connected': 'Attached',
  'scanners.terminal': 'Paired with',
  'scanners.unpaired': 'default till',
  'scanners.last_seen': 'Last seen',
  'sales.day': 'Day',
  'sales.none': 'No sales on this day.',
  'sales.number': 'No.',
  'sales.time': 'Time',
  'sales.state': 'State',
  'sales.provider': 'Provider',
  'sales.total': 'Amount',
  'sales.terminal': 'Till',
  'sales.report': 'Day report',
  'sales.revenue_per_hour': 'Revenue per hour',
  'sales.by_provider': 'Totals per provider',
  'sales.count': '{n} sales',
  'sales.failed_cancelled': '{failed} failed, {cancelled} cancelled',
  'sales.detail': 'Sale no. {n}',
  'sales.change': 'Change',
  'sales.tendered': 'Tendered',
  'sales.reason': 'Reason',
  'state.pending': 'pending',
  'state.succeeded': 'paid',
  'state.failed': 'failed',
  'state.cancelled': 'cancelled',
  'state.refunded': 'refunded',
  'security.title': 'POS security',
  'security.enabled': 'IP whitelist enabled',
  'security.enabled_hint':
    'Only devices on the list (and the kiosk itself) may open the till. Saved immediately.',
  'security.current_ip': 'Your current IP',
  'security.add_my_ip': 'Add my IP',
  'security.ip': 'IP address',
  'security.name': 'Location / name',
  'security.add_row': 'Add row',
  'security.remove_row': 'Remove row {n}',
  'security.save': 'Save changes',
  'security.saved': 'Saved',
  'security.unsaved': 'Unsaved changes',
  'security.empty':
    'The list is empty: there is no restriction, every device on the network can open the till.',
  'providers.title': 'Payment providers',
  'providers.available': 'Available',
  'providers.unavailable': 'Not available: {reason}',
  'providers.minimum': 'Minimum',
  'providers.topup': 'Top-up barcode',
  'providers.none': 'No payment providers known.',
};

export const MESSAGES: Record<Lang, Record<MessageKey, string>> = { de, en };

let current: Lang = 'de';
const listeners = new Set<() => void>();

export function fillTemplate(text: string, vars: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function translate(
  lang: Lang,
  key: MessageKey,
  vars?: Record<string, string | number>,
): string {
  return fillTemplate(MESSAGES[lang][key] ?? MESSAGES.de[key] ?? key, vars);
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return translate(current, key, vars);
}

export function lang(): Lang {
  return current;
}

export function parseLang(value: string | null | undefined): Lang {
  return value === 'en' ? 'en' : 'de';
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  document.documentElement.lang = next;
  for (const l of listeners) l();
}

/** Reads the stored choice; German unless the browser chose English before. */
export function initLang(): Lang {
  let stored: string | null;
  try {
    stored = localStorage.getItem(LANG_KEY);
  } catch {
    stored = null;
  }
  current = parseLang(stored);
  document.documentElement.lang = current;
  return current;
}

/** Re-renders its host when the language changes. */
export class I18nController implements ReactiveController {
  private readonly onChange = () => this.host.requestUpdate();
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    listeners.add(this.onChange);
  }
  hostDisconnected(): void {
    listeners.delete(this.onChange);
  }
}
