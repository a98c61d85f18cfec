/**
 * Error texts (part of the one lookup in errors.ts): over-the-air updates — the daemon's
 * refusals and the codes the update agent writes into status.json (docs/UPDATES.md).
 */
export const de = {
  'err.update_busy': 'Es läuft schon eine Aktualisierung. Bitte warten, bis sie fertig ist.',
  'err.update_no_space': 'Auf der Speicherkarte ist nicht genug Platz für dieses Update.',
  'err.update_too_large': 'Die Update-Datei ist zu groß.',
  'err.update_length_required': 'Die Update-Datei kam ohne Größenangabe an. Bitte erneut senden.',
  'err.update_upload_incomplete': 'Das Hochladen brach ab. Bitte erneut versuchen.',
  'err.update_channel_not_set': 'Bitte zuerst die Adresse des Update-Kanals speichern.',
  'err.update_manifest_invalid':
    'Die Update-Beschreibung des Kanals ist fehlerhaft (Version, Adresse oder Prüfsumme).',
  'err.update_download_failed':
    'Das Update konnte nicht heruntergeladen werden (Netz oder Server nicht erreichbar).',
  'err.update_checksum_mismatch':
    'Die heruntergeladene Datei stimmt nicht mit der Prüfsumme überein. Nichts wurde installiert.',
  'err.update_sale_open':
    'An einer Kasse ist eine Zahlung offen. Neustart erst, wenn sie abgeschlossen ist.',
  'err.update_not_installed': 'Es wartet kein installiertes Update auf einen Neustart.',
  'err.update_signature_invalid':
    'Die Signatur des Updates ist ungültig (anderer Schlüssel). Nichts wurde installiert.',
  'err.update_incompatible':
    'Dieses Update ist für ein anderes Gerät bestimmt. Nichts wurde installiert.',
  'err.update_bundle_corrupt':
    'Die Update-Datei ist beschädigt oder unvollständig. Nichts wurde installiert.',
  'err.update_install_failed':
    'Die Installation ist fehlgeschlagen. Die Kasse läuft unverändert weiter.',
  'err.update_request_invalid': 'Der Update-Auftrag war ungültig und wurde verworfen.',
  'err.update_reboot_failed': 'Der Neustart ließ sich nicht auslösen. Bitte das Gerät neu starten.',
};

export const en: Record<keyof typeof de, string> = {
  'err.update_busy': 'An update is already running. Please wait until it has finished.',
  'err.update_no_space': 'There is not enough space on the SD card for this update.',
  'err.update_too_large': 'The update file is too large.',
  'err.update_length_required': 'The update file arrived without its size. Please send it again.',
  'err.update_upload_incomplete': 'The upload broke off. Please try again.',
  'err.update_channel_not_set': 'Save the update channel address first.',
  'err.update_manifest_invalid':
    'The channel’s update description is faulty (version, address or checksum).',
  'err.update_download_failed':
    'The update could not be downloaded (network or server not reachable).',
  'err.update_checksum_mismatch':
    'The downloaded file does not match its checksum. Nothing was installed.',
  'err.update_sale_open': 'A payment is open at a till. Restart once it is finished.',
  'err.update_not_installed': 'No installed update is waiting for a restart.',
  'err.update_signature_invalid':
    'The update’s signature is not valid (another key). Nothing was installed.',
  'err.update_incompatible': 'This update is for another device. Nothing was installed.',
  'err.update_bundle_corrupt': 'The update file is damaged or incomplete. Nothing was installed.',
  'err.update_install_failed': 'The installation failed. The till keeps running unchanged.',
  'err.update_request_invalid': 'The update request was invalid and has been discarded.',
  'err.update_reboot_failed': 'The restart could not be started. Please restart the device.',
};
