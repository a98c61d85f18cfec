/** The fleet section of the settings page (shipping to the central PostgreSQL, docs/FLEET.md). */
export const de = {
  'fleet.title': 'Filialverbund (Zentrale)',
  'fleet.off': 'Nicht eingerichtet: Diese Kasse meldet an keine Zentrale (FLEET_DATABASE_URL).',
  'fleet.appliance_id': 'Geräte-ID',
  'fleet.branch': 'Filiale',
  'fleet.branch_save': 'Filialnamen speichern',
  'fleet.connected': 'Verbunden mit der Zentrale',
  'fleet.disconnected': 'Keine Verbindung zur Zentrale – die Kasse verkauft weiter',
  'fleet.pending': 'Noch zu übertragen: {n} Einträge',
  'fleet.last_shipped': 'Zuletzt übertragen: Eintrag {seq} am {at}',
  'fleet.never_shipped': 'Noch nichts übertragen',
  'fleet.catalog_pull': 'Artikel kommen aus der Zentrale (Version {version}, {n} Artikel)',
  'fleet.catalog_local': 'Artikel werden auf dieser Kasse gepflegt',
  'fleet.last_error': 'Letzter Fehler ({at}): {text}',
  'fleet.restore_new_identity':
    'Als neues Gerät wiederherstellen (neue Geräte-ID, z. B. für eine zweite Filiale aus derselben Sicherung)',
};

export const en: Record<keyof typeof de, string> = {
  'fleet.title': 'Fleet (central database)',
  'fleet.off': 'Not set up: this appliance reports to no centre (FLEET_DATABASE_URL).',
  'fleet.appliance_id': 'Appliance id',
  'fleet.branch': 'Branch',
  'fleet.branch_save': 'Save branch name',
  'fleet.connected': 'Connected to the centre',
  'fleet.disconnected': 'Not connected to the centre – the tills keep selling',
  'fleet.pending': 'Waiting to be shipped: {n} entries',
  'fleet.last_shipped': 'Last shipped: entry {seq} at {at}',
  'fleet.never_shipped': 'Nothing shipped yet',
  'fleet.catalog_pull': 'Products come from the centre (version {version}, {n} products)',
  'fleet.catalog_local': 'Products are maintained on this appliance',
  'fleet.last_error': 'Last error ({at}): {text}',
  'fleet.restore_new_identity':
    'Restore as a new appliance (new appliance id, e.g. a second branch from the same backup)',
};
