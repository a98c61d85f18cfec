/**
 * Error texts (part of the one lookup in errors.ts): the catalog — barcodes and check digits,
 * categories, quick keys, deposits, the CSV import and its encodings.
 */
export const de = {
  // -------------------------------------------------------------------------- catalog
  'err.unknown_barcode': 'Unbekannter Barcode.',
  'err.invalid_barcode': 'Ungültiger Barcode.',
  'err.duplicate_barcode': 'Diesen Barcode hat schon ein anderer Artikel.',
  'err.duplicate_category': 'Eine Kategorie mit diesem Namen gibt es schon.',
  'err.invalid_check_digit': 'Die Prüfziffer des Barcodes stimmt nicht. Bitte noch einmal scannen.',
  'err.invalid_check_digit.params':
    'Die Prüfziffer von {code} stimmt nicht. Bitte noch einmal scannen.',
  'err.unknown_category': 'Diese Kategorie gibt es nicht (mehr).',
  'err.too_many_categories': 'Mehr Kategorien gehen nicht.',
  'err.too_many_categories.params': 'Höchstens {max} Kategorien.',
  'err.quick_keys_page_full': 'Die Seite ist voll.',
  'err.quick_keys_page_full.params': 'Höchstens {max} Artikel je Schnelltasten-Seite.',
  'err.unknown_product': 'Ein gewählter Artikel existiert nicht mehr. Bitte neu laden.',
  'err.invalid_deposit': 'Als Pfand geht nur ein anderer Artikel ohne eigenes Pfand.',
  'err.deposit_in_use': 'Dieser Artikel ist das Pfand eines anderen Artikels.',
  'err.deposit_in_use.params': 'Dieser Artikel ist das Pfand von „{name}“. Dort zuerst entfernen.',
  'err.duplicate_row': 'Der Artikel steht zweimal in der Datei.',
  'err.invalid_csv': 'Die CSV-Datei kann nicht gelesen werden.',
  // -------------------------------------------------------------------- CSV encodings
  'err.invalid_encoding': 'Der Zeichensatz der Datei passt nicht.',
  'err.invalid_utf8':
    'Diese Zeile ist kein UTF-8-Text. Stammt die Datei aus Excel, mit Zeichensatz Windows-1252 importieren.',
  'err.unsupported_encoding': 'Dieser Zeichensatz wird nicht unterstützt.',
  'err.bidi_control_character':
    'Enthält unsichtbare Steuerzeichen für die Schreibrichtung; bitte entfernen.',
};

export const en: Record<keyof typeof de, string> = {
  'err.unknown_barcode': 'Unknown barcode.',
  'err.invalid_barcode': 'Invalid barcode.',
  'err.duplicate_barcode': 'Another product has this barcode already.',
  'err.duplicate_category': 'A category with this name exists already.',
  'err.invalid_check_digit': 'The barcode check digit is wrong. Please scan again.',
  'err.invalid_check_digit.params': 'The check digit of {code} is wrong. Please scan again.',
  'err.unknown_category': 'This category does not exist (any more).',
  'err.too_many_categories': 'No more categories possible.',
  'err.too_many_categories.params': 'At most {max} categories.',
  'err.quick_keys_page_full': 'The page is full.',
  'err.quick_keys_page_full.params': 'At most {max} products per quick-keys page.',
  'err.unknown_product': 'A chosen product no longer exists. Please reload.',
  'err.invalid_deposit': 'Only another product without a deposit of its own can be the deposit.',
  'err.deposit_in_use': 'This product is the deposit of another product.',
  'err.deposit_in_use.params': 'This product is the deposit of "{name}". Remove it there first.',
  'err.duplicate_row': 'The product appears twice in the file.',
  'err.invalid_csv': 'The CSV file cannot be read.',
  'err.invalid_encoding': 'The file does not match the chosen encoding.',
  'err.invalid_utf8':
    'This row is not UTF-8 text. If the file comes from Excel, import it as Windows-1252.',
  'err.unsupported_encoding': 'This encoding is not supported.',
  'err.bidi_control_character':
    'Holds invisible text-direction control characters; please remove them.',
};
