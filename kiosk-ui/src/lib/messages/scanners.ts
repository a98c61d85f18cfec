/** The admin scanners page. */
export const de = {
  'scanners.none': 'Noch keine Scanner bekannt.',
  'scanners.name': 'Name',
  'scanners.kind': 'Art',
  'scanners.layout': 'Tastaturbelegung',
  'scanners.enabled': 'Aktiv',
  'scanners.connected': 'Angeschlossen',
  'scanners.terminal': 'Gekoppelt mit',
  'scanners.unpaired': 'Standardkasse',
  'scanners.last_seen': 'Zuletzt gesehen',
  'scanners.unpair': 'Kopplung lösen',
  'scanners.keyboards': 'Weitere Tastatur-Geräte',
  'scanners.keyboards_hint':
    'Tastaturen werden nie gelesen. Tippt eine wie ein Scanner (sehr schnell, mit Enter am Ende), wird sie hier vorgeschlagen.',
  'scanners.mark': 'Ist ein Scanner',
  'scanners.layout_test': 'Belegungstest',
  'scanners.layout_test_hint':
    'Diesen Code mit einem Tastatur-Scanner scannen: Er lernt dabei seine Tastaturbelegung (us, de, fr, uk, ch).',
  'scanners.looks_like': 'Sieht aus wie ein Scanner – als Scanner verwenden?',
  'scanners.adopt': 'Als Scanner verwenden',
  'scanners.adopted': 'Als Scanner übernommen: {name}',
  'scanners.not_on_list':
    'Noch nicht in der Scannerliste: Seine Eingaben können weiter in der Kasse landen.',
  'scanners.kind_hid_pos': 'HID POS',
  'scanners.kind_keyboard': 'Tastatur-Modus',
  'scanners.kind_network': 'Netzwerk',
};

export const en: Record<keyof typeof de, string> = {
  'scanners.none': 'No scanners known yet.',
  'scanners.name': 'Name',
  'scanners.kind': 'Kind',
  'scanners.layout': 'Keyboard layout',
  'scanners.enabled': 'Enabled',
  'scanners.connected': 'Attached',
  'scanners.terminal': 'Paired with',
  'scanners.unpaired': 'default till',
  'scanners.last_seen': 'Last seen',
  'scanners.unpair': 'Unpair',
  'scanners.keyboards': 'Other keyboard devices',
  'scanners.keyboards_hint':
    'Keyboards are never read. One that types like a scanner (very fast, ending in Enter) is suggested here.',
  'scanners.mark': 'Is a scanner',
  'scanners.layout_test': 'Layout test',
  'scanners.layout_test_hint':
    'Scan this code with a keyboard scanner: it learns its keyboard layout (us, de, fr, uk, ch).',
  'scanners.looks_like': 'Looks like a scanner – use it as one?',
  'scanners.adopt': 'Use as scanner',
  'scanners.adopted': 'Now used as a scanner: {name}',
  'scanners.not_on_list': 'Not on the scanner list yet: what it types may still reach the till.',
  'scanners.kind_hid_pos': 'HID POS',
  'scanners.kind_keyboard': 'Keyboard mode',
  'scanners.kind_network': 'Network',
};
