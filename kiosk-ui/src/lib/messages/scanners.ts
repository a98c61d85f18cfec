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
    'Tastatur-Scanner werden nur genutzt, wenn sie hier markiert sind – nie die echte Tastatur.',
  'scanners.mark': 'Ist ein Scanner',
  'scanners.layout_test': 'Belegungstest',
  'scanners.layout_test_hint':
    'Diesen Code mit einem Tastatur-Scanner scannen: Er lernt dabei seine Tastaturbelegung (us, de, fr, uk, ch).',
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
    'Keyboard-wedge scanners are only used when marked here – never the real keyboard.',
  'scanners.mark': 'Is a scanner',
  'scanners.layout_test': 'Layout test',
  'scanners.layout_test_hint':
    'Scan this code with a keyboard scanner: it learns its keyboard layout (us, de, fr, uk, ch).',
};
