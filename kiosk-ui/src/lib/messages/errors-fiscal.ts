/**
 * Error texts (part of the one lookup in errors.ts): the TSE (KassenSichV) and the fleet
 * centre (shipping, catalog pulled from the centre).
 */
export const de = {
  // --------------------------------------------------------------------- fiscal (TSE)
  'err.not_configured':
    'Keine TSE gewählt (FISCAL_PROVIDER fehlt): Verkäufe werden nicht signiert.',
  'err.tse_timeout': 'Die TSE hat nicht rechtzeitig geantwortet (TSE ausgefallen).',
  'err.fiscal_off': 'Die TSE-Signatur ist ausgeschaltet (FISCAL_PROVIDER=off).',
  'err.tse_unavailable': 'Die TSE ist gerade nicht erreichbar. Bitte später erneut versuchen.',
  'err.fiscal_setup_unsupported': 'Diese TSE braucht keine Einrichtung.',
  'err.tse_refused': 'Die TSE hat den Vorgang abgelehnt.',
  'err.tse_auth': 'Anmeldung bei fiskaly abgelehnt: API-Schlüssel und -Geheimnis prüfen.',
  'err.tse_error': 'Fehler der TSE (TSE ausgefallen).',
  'err.tse_conflict': 'Die TSE hat diesen Vorgang schon mit einem anderen Ergebnis abgeschlossen.',
  'err.fiscal_conflict':
    'Dieser Verkauf ist von der TSE schon mit einem anderen Ergebnis signiert. Bitte den Verkauf prüfen.',
  // --------------------------------------------------------------------- fleet centre
  'err.fleet_unreachable': 'Die Zentrale ist nicht erreichbar (Netz oder Datenbank aus).',
  'err.fleet_auth_failed': 'Die Zentrale lehnt die Anmeldung ab (Benutzer oder Passwort).',
  'err.fleet_tls_failed':
    'Die sichere Verbindung zur Zentrale ist fehlgeschlagen (Zertifikat oder Hostname passt nicht).',
  'err.fleet_permission_denied': 'Die Zentrale verweigert das Schreiben (Rechte der Rolle).',
  'err.fleet_centre_full': 'Der Zentrale ist der Speicherplatz ausgegangen.',
  'err.fleet_appliance_full':
    'Der Speicher dieser Kasse ist voll: Die Übertragung zur Zentrale wartet, bis wieder Platz ist.',
  'err.fleet_schema_newer':
    'Die Zentrale ist neuer als diese Kasse. Bitte die Kasse aktualisieren.',
  'err.fleet_schema_behind':
    'Die Zentrale braucht eine Aktualisierung, die diese Kasse nicht ausführen darf (Inhaber-Rolle nötig).',
  'err.fleet_identity_conflict':
    'Ein anderes Gerät meldet mit derselben Geräte-ID. Diese Kasse überträgt nichts mehr, bis das geklärt ist (Sicherung mit neuer Geräte-ID wiederherstellen).',
  'err.fleet_catalog_invalid':
    'Die Artikel der Zentrale enthalten einen Fehler; die Kasse verkauft mit dem letzten Stand weiter.',
  'err.fleet_error': 'Die Übertragung zur Zentrale ist fehlgeschlagen.',
  'err.catalog_managed_centrally':
    'Die Artikel dieser Kasse werden in der Zentrale gepflegt. Bitte dort ändern.',
};

export const en: Record<keyof typeof de, string> = {
  'err.not_configured': 'No TSE chosen (FISCAL_PROVIDER missing): sales are not signed.',
  'err.tse_timeout': 'The TSE did not answer in time (TSE failed).',
  'err.fiscal_off': 'TSE signing is switched off (FISCAL_PROVIDER=off).',
  'err.tse_unavailable': 'The TSE cannot be reached right now. Please try again later.',
  'err.fiscal_setup_unsupported': 'This TSE needs no set-up.',
  'err.tse_refused': 'The TSE refused the transaction.',
  'err.tse_auth': 'fiskaly refused the login: check the API key and secret.',
  'err.tse_error': 'TSE error (TSE failed).',
  'err.tse_conflict': 'The TSE has already finished this transaction with another outcome.',
  'err.fiscal_conflict':
    'The TSE has already signed this sale with another outcome. Please check the sale.',
  'err.fleet_unreachable': 'The centre cannot be reached (network or database down).',
  'err.fleet_auth_failed': 'The centre refuses the login (user or password).',
  'err.fleet_tls_failed':
    'The secure connection to the centre failed (certificate or host name does not match).',
  'err.fleet_permission_denied': 'The centre refuses the write (the role lacks rights).',
  'err.fleet_centre_full': 'The centre has run out of disk space.',
  'err.fleet_appliance_full':
    "This appliance's storage is full: shipping to the centre waits until there is space again.",
  'err.fleet_schema_newer': 'The centre is newer than this appliance. Please update it.',
  'err.fleet_schema_behind':
    'The centre needs an update this appliance may not run (the owner role is needed).',
  'err.fleet_identity_conflict':
    'Another appliance reports with the same appliance id. This one ships nothing until that is sorted out (restore the backup with a new appliance id).',
  'err.fleet_catalog_invalid':
    'The centre’s products contain an error; the tills keep selling with the last copy.',
  'err.fleet_error': 'Shipping to the centre failed.',
  'err.catalog_managed_centrally':
    'The products of this appliance are maintained in the centre. Please change them there.',
};
