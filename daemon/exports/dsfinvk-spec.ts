/**
 * DSFinV-K (Digitale Schnittstelle der Finanzverwaltung für Kassensysteme) file layout, as facts
 * from the specification: the CSV files of its three modules (master data, cash point closing,
 * single records), their module names and columns in order, and how index.xml describes them
 * (GDPdU description standard: `;` between columns, CRLF between records, `"` around text,
 * decimal comma, a header line first). Column types: T = text (max length), N = number with
 * fixed decimals, D = local time YYYY-MM-DDThh:mm:ss.
 */
export type Col = [name: string, type: 'T' | 'N' | 'D', size: number];

export interface DsfinvkFile {
  file: string;
  /** Module name in the specification (index.xml Table Name). */
  name: string;
  description: string;
  /** Columns that identify a record (index.xml VariablePrimaryKey). */
  keys: number;
  cols: Col[];
}

const Z: Col[] = [
  ['Z_KASSE_ID', 'T', 50],
  ['Z_ERSTELLUNG', 'D', 0],
  ['Z_NR', 'N', 0],
];
const BON: Col[] = [...Z, ['BON_ID', 'T', 40]];
const POS: Col[] = [...BON, ['POS_ZEILE', 'T', 50]];

export const DSFINVK_FILES: DsfinvkFile[] = [
  // ------------------------------------------------------------------ single records
  {
    file: 'transactions.csv',
    name: 'Bonkopf',
    description: 'Bonkopf: ein Datensatz je Vorgang',
    keys: 4,
    cols: [
      ...BON,
      ['BON_NR', 'N', 0],
      ['BON_TYP', 'T', 30],
      ['BON_NAME', 'T', 60],
      ['TERMINAL_ID', 'T', 50],
      ['BON_STORNO', 'N', 0],
      ['BON_START', 'D', 0],
      ['BON_ENDE', 'D', 0],
      ['BEDIENER_ID', 'T', 50],
      ['BEDIENER_NAME', 'T', 50],
      ['UMS_BRUTTO', 'N', 2],
      ['KUNDE_NAME', 'T', 50],
      ['KUNDE_ID', 'T', 50],
      ['KUNDE_TYP', 'T', 50],
      ['KUNDE_STRASSE', 'T', 60],
      ['KUNDE_PLZ', 'T', 10],
      ['KUNDE_ORT', 'T', 62],
      ['KUNDE_LAND', 'T', 3],
      ['KUNDE_USTID', 'T', 15],
      ['BON_NOTIZ', 'T', 255],
    ],
  },
  {
    file: 'transactions_vat.csv',
    name: 'Bonkopf_USt',
    description: 'Bonkopf: Umsätze je USt-Satz',
    keys: 5,
    cols: [
      ...BON,
      ['UST_SCHLUESSEL', 'N', 0],
      ['BON_BRUTTO', 'N', 5],
      ['BON_NETTO', 'N', 5],
      ['BON_UST', 'N', 5],
    ],
  },
  {
    file: 'allocation_groups.csv',
    name: 'Bonkopf_AbrKreis',
    description: 'Bonkopf: Abrechnungskreise',
    keys: 5,
    cols: [...BON, ['ABRECHNUNGSKREIS', 'T', 50]],
  },
  {
    file: 'datapayment.csv',
    name: 'Bonkopf_Zahlarten',
    description: 'Bonkopf: Zahlarten',
    keys: 6,
    cols: [
      ...BON,
      ['ZAHLART_TYP', 'T', 25],
      ['ZAHLART_NAME', 'T', 60],
      ['ZAHLWAEH_CODE', 'T', 3],
      ['ZAHLWAEH_BETRAG', 'N', 2],
      ['BASISWAEH_BETRAG', 'N', 2],
    ],
  },
  {
    file: 'references.csv',
    name: 'Bon_Referenzen',
    description: 'Referenzen auf andere Vorgänge',
    keys: 5,
    cols: [
      ...POS,
      ['REF_TYP', 'T', 20],
      ['REF_NAME', 'T', 40],
      ['REF_DATUM', 'D', 0],
      ['REF_Z_KASSE_ID', 'T', 50],
      ['REF_Z_NR', 'N', 0],
      ['REF_BON_ID', 'T', 40],
    ],
  },
  {
    file: 'transactions_tse.csv',
    name: 'TSE_Transaktionen',
    description: 'TSE-Transaktionen je Vorgang',
    keys: 5,
    cols: [
      ...BON,
      ['TSE_ID', 'N', 0],
      ['TSE_TANR', 'N', 0],
      ['TSE_TA_START', 'T', 30],
      ['TSE_TA_ENDE', 'T', 30],
      ['TSE_TA_VORGANGSART', 'T', 30],
      ['TSE_TA_SIGZ', 'N', 0],
      ['TSE_TA_SIG', 'T', 512],
      ['TSE_TA_FEHLER', 'T', 200],
      ['TSE_TA_VORGANGSDATEN', 'T', 0],
    ],
  },
  {
    file: 'lines.csv',
    name: 'Bonpos',
    description: 'Bonpositionen',
    keys: 5,
    cols: [
      ...POS,
      ['GUTSCHEIN_NR', 'T', 50],
      ['ARTIKELTEXT', 'T', 255],
      ['POS_TERMINAL_ID', 'T', 50],
      ['GV_TYP', 'T', 30],
      ['GV_NAME', 'T', 40],
      ['INHAUS', 'N', 0],
      ['P_STORNO', 'N', 0],
      ['AGENTUR_ID', 'N', 0],
      ['ART_NR', 'T', 50],
      ['GTIN', 'T', 50],
      ['WARENGR_ID', 'T', 40],
      ['WARENGR', 'T', 50],
      ['MENGE', 'N', 3],
      ['FAKTOR', 'N', 3],
      ['EINHEIT', 'T', 50],
      ['STK_BR', 'N', 5],
    ],
  },
  {
    file: 'lines_vat.csv',
    name: 'Bonpos_USt',
    description: 'Bonpositionen: USt je Position',
    keys: 6,
    cols: [
      ...POS,
      ['UST_SCHLUESSEL', 'N', 0],
      ['POS_BRUTTO', 'N', 5],
      ['POS_NETTO', 'N', 5],
      ['POS_UST', 'N', 5],
    ],
  },
  {
    file: 'subitems.csv',
    name: 'Bonpos_Zusatzinfo',
    description: 'Bonpositionen: Zusatzinformationen',
    keys: 5,
    cols: [
      ...POS,
      ['ZI_ART_NR', 'T', 50],
      ['ZI_GTIN', 'T', 50],
      ['ZI_NAME', 'T', 50],
      ['ZI_WARENGR_ID', 'T', 40],
      ['ZI_WARENGR', 'T', 50],
      ['ZI_MENGE', 'N', 3],
      ['ZI_FAKTOR', 'N', 3],
      ['ZI_EINHEIT', 'T', 50],
      ['ZI_UST_SCHLUESSEL', 'N', 0],
      ['ZI_BASISPREIS_BRUTTO', 'N', 5],
      ['ZI_BASISPREIS_NETTO', 'N', 5],
      ['ZI_BASISPREIS_UST', 'N', 5],
    ],
  },
  {
    file: 'itemamounts.csv',
    name: 'Bonpos_Preisfindung',
    description: 'Bonpositionen: Preisfindung',
    keys: 6,
    cols: [
      ...POS,
      ['TYP', 'T', 20],
      ['UST_SCHLUESSEL', 'N', 0],
      ['PF_BRUTTO', 'N', 5],
      ['PF_NETTO', 'N', 5],
      ['PF_UST', 'N', 5],
    ],
  },
  // ------------------------------------------------------------------ master data
  {
    file: 'cashpointclosing.csv',
    name: 'Stamm_Abschluss',
    description: 'Stammdaten des Kassenabschlusses',
    keys: 3,
    cols: [
      ...Z,
      ['Z_BUCHUNGSTAG', 'T', 10],
      ['TAXONOMIE_VERSION', 'T', 10],
      ['Z_START_ID', 'T', 40],
      ['Z_ENDE_ID', 'T', 40],
      ['NAME', 'T', 60],
      ['STRASSE', 'T', 60],
      ['PLZ', 'T', 10],
      ['ORT', 'T', 62],
      ['LAND', 'T', 3],
      ['STNR', 'T', 20],
      ['USTID', 'T', 15],
      ['Z_SE_ZAHLUNGEN', 'N', 2],
      ['Z_SE_BARZAHLUNGEN', 'N', 2],
    ],
  },
  {
    file: 'location.csv',
    name: 'Stamm_Orte',
    description: 'Standort der Kasse',
    keys: 3,
    cols: [
      ...Z,
      ['LOC_NAME', 'T', 60],
      ['LOC_STRASSE', 'T', 60],
      ['LOC_PLZ', 'T', 10],
      ['LOC_ORT', 'T', 62],
      ['LOC_LAND', 'T', 3],
      ['LOC_USTID', 'T', 15],
    ],
  },
  {
    file: 'cashregister.csv',
    name: 'Stamm_Kassen',
    description: 'Stammdaten der Kasse',
    keys: 3,
    cols: [
      ...Z,
      ['KASSE_BRAND', 'T', 50],
      ['KASSE_MODELL', 'T', 50],
      ['KASSE_SERIENNR', 'T', 70],
      ['KASSE_SW_BRAND', 'T', 50],
      ['KASSE_SW_VERSION', 'T', 50],
      ['KASSE_BASISWAEH_CODE', 'T', 3],
      ['KEINE_UST_ZUORDNUNG', 'N', 0],
    ],
  },
  {
    file: 'slaves.csv',
    name: 'Stamm_Terminals',
    description: 'Erfassungsterminals',
    keys: 4,
    cols: [
      ...Z,
      ['TERMINAL_ID', 'T', 50],
      ['TERMINAL_BRAND', 'T', 50],
      ['TERMINAL_MODELL', 'T', 50],
      ['TERMINAL_SERIENNR', 'T', 70],
      ['TERMINAL_SW_BRAND', 'T', 50],
      ['TERMINAL_SW_VERSION', 'T', 50],
    ],
  },
  {
    file: 'pa.csv',
    name: 'Stamm_Agenturen',
    description: 'Agenturen (Umsätze für Rechnung Dritter)',
    keys: 4,
    cols: [
      ...Z,
      ['AGENTUR_ID', 'N', 0],
      ['AGENTUR_NAME', 'T', 60],
      ['AGENTUR_STRASSE', 'T', 60],
      ['AGENTUR_PLZ', 'T', 10],
      ['AGENTUR_ORT', 'T', 62],
      ['AGENTUR_LAND', 'T', 3],
      ['AGENTUR_STNR', 'T', 20],
      ['AGENTUR_USTID', 'T', 15],
    ],
  },
  {
    file: 'vat.csv',
    name: 'Stamm_USt',
    description: 'Umsatzsteuersätze',
    keys: 4,
    cols: [...Z, ['UST_SCHLUESSEL', 'N', 0], ['UST_SATZ', 'N', 2], ['UST_BESCHR', 'T', 55]],
  },
  {
    file: 'tse.csv',
    name: 'Stamm_TSE',
    description: 'Technische Sicherheitseinrichtungen',
    keys: 4,
    cols: [
      ...Z,
      ['TSE_ID', 'N', 0],
      ['TSE_SERIAL', 'T', 68],
      ['TSE_SIG_ALGO', 'T', 30],
      ['TSE_ZEITFORMAT', 'T', 31],
      ['TSE_PD_ENCODING', 'T', 5],
      ['TSE_PUBLIC_KEY', 'T', 512],
      ['TSE_ZERTIFIKAT_I', 'T', 1000],
      ['TSE_ZERTIFIKAT_II', 'T', 1000],
      ['TSE_ZERTIFIKAT_III', 'T', 1000],
      ['TSE_ZERTIFIKAT_IV', 'T', 1000],
      ['TSE_ZERTIFIKAT_V', 'T', 1000],
      ['TSE_ZERTIFIKAT_VI', 'T', 1000],
      ['TSE_ZERTIFIKAT_VII', 'T', 1000],
    ],
  },
  // ------------------------------------------------------------------ cash point closing
  {
    file: 'businesscases.csv',
    name: 'Z_GV_Typ',
    description: 'Kassenabschluss: Summen je Geschäftsvorfall-Art und USt-Satz',
    keys: 7,
    cols: [
      ...Z,
      ['GV_TYP', 'T', 30],
      ['GV_NAME', 'T', 40],
      ['AGENTUR_ID', 'N', 0],
      ['UST_SCHLUESSEL', 'N', 0],
      ['Z_UMS_BRUTTO', 'N', 5],
      ['Z_UMS_NETTO', 'N', 5],
      ['Z_UST', 'N', 5],
    ],
  },
  {
    file: 'payment.csv',
    name: 'Z_Zahlart',
    description: 'Kassenabschluss: Summen je Zahlart',
    keys: 5,
    cols: [...Z, ['ZAHLART_TYP', 'T', 25], ['ZAHLART_NAME', 'T', 60], ['Z_ZAHLART_BETRAG', 'N', 2]],
  },
  {
    file: 'cash_per_currency.csv',
    name: 'Z_Waehrungen',
    description: 'Kassenabschluss: Bargeld je Währung',
    keys: 4,
    cols: [...Z, ['ZAHLART_WAEH', 'T', 3], ['ZAHLART_BETRAG_WAEH', 'N', 2]],
  },
];

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function column(c: Col, key: boolean): string {
  const tag = key ? 'VariablePrimaryKey' : 'VariableColumn';
  const [name, type, size] = c;
  const kind =
    type === 'N'
      ? size > 0
        ? `<Numeric><Accuracy>${size}</Accuracy></Numeric>`
        : '<Numeric/>'
      : type === 'D'
        ? '<Date><Format>YYYY-MM-DD"T"hh:mm:ss</Format></Date>'
        : `<AlphaNumeric/>${size > 0 ? `<MaxLength>${size}</MaxLength>` : ''}`;
  return `        <${tag}><Name>${name}</Name>${kind}</${tag}>`;
}

/** index.xml: every file described for the auditor's software (GDPdU description standard). */
export function indexXml(meta: {
  from: string;
  to: string;
  supplier: string;
  created: string;
}): string {
  const tables = DSFINVK_FILES.map(
    (f) => `    <Table>
      <URL>${f.file}</URL>
      <Name>${f.name}</Name>
      <Description>${esc(f.description)}</Description>
      <Validity><Range><From>${meta.from}</From><To>${meta.to}</To></Range><Format>YYYY-MM-DD</Format></Validity>
      <UTF8/>
      <DecimalSymbol>,</DecimalSymbol>
      <DigitGroupingSymbol>.</DigitGroupingSymbol>
      <Range><From>2</From></Range>
      <VariableLength>
        <ColumnDelimiter>;</ColumnDelimiter>
        <RecordDelimiter>&#13;&#10;</RecordDelimiter>
        <TextEncapsulator>"</TextEncapsulator>
${f.cols.map((c, i) => column(c, i < f.keys)).join('\n')}
      </VariableLength>
    </Table>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE DataSet SYSTEM "gdpdu-01-09-2004.dtd">
<DataSet>
  <Version>1.0</Version>
  <DataSupplier>
    <Name>${esc(meta.supplier)}</Name>
    <Location>${esc(meta.supplier)}</Location>
    <Comment>DSFinV-K export ${meta.from} to ${meta.to}, created ${meta.created}</Comment>
  </DataSupplier>
  <Media>
    <Name>DSFinV-K</Name>
${tables}
  </Media>
</DataSet>
`;
}

/**
 * The DTD index.xml names: the subset of the GDPdU description standard this export uses
 * (data set → supplier, media → tables → variable-length columns), written for this project.
 */
export const GDPDU_DTD = `<!-- Description standard for data handed to the tax office (GDPdU), as used by this export -->
<!ELEMENT DataSet (Version, DataSupplier?, Media+)>
<!ELEMENT Version (#PCDATA)>
<!ELEMENT DataSupplier (Name, Location, Comment)>
<!ELEMENT Location (#PCDATA)>
<!ELEMENT Comment (#PCDATA)>
<!ELEMENT Media (Name, Command*, Table+)>
<!ELEMENT Command (#PCDATA)>
<!ELEMENT Table (URL, Name, Description?, Validity?, (UTF8 | ANSI | Macintosh | OEM)?, DecimalSymbol?, DigitGroupingSymbol?, SkipNumBytes?, Range?, Epoch?, (VariableLength | FixedLength))>
<!ELEMENT URL (#PCDATA)>
<!ELEMENT Name (#PCDATA)>
<!ELEMENT Description (#PCDATA)>
<!ELEMENT Validity (Range, Format?)>
<!ELEMENT Range (From, (To | Length)?)>
<!ELEMENT From (#PCDATA)>
<!ELEMENT To (#PCDATA)>
<!ELEMENT Length (#PCDATA)>
<!ELEMENT Format (#PCDATA)>
<!ELEMENT UTF8 EMPTY>
<!ELEMENT ANSI EMPTY>
<!ELEMENT Macintosh EMPTY>
<!ELEMENT OEM EMPTY>
<!ELEMENT DecimalSymbol (#PCDATA)>
<!ELEMENT DigitGroupingSymbol (#PCDATA)>
<!ELEMENT SkipNumBytes (#PCDATA)>
<!ELEMENT Epoch (#PCDATA)>
<!ELEMENT VariableLength (ColumnDelimiter?, RecordDelimiter?, TextEncapsulator?, VariablePrimaryKey+, VariableColumn*, ForeignKey*)>
<!ELEMENT ColumnDelimiter (#PCDATA)>
<!ELEMENT RecordDelimiter (#PCDATA)>
<!ELEMENT TextEncapsulator (#PCDATA)>
<!ELEMENT VariablePrimaryKey (Name, Description?, (Numeric | AlphaNumeric | Date), MaxLength?, Map*)>
<!ELEMENT VariableColumn (Name, Description?, (Numeric | AlphaNumeric | Date), MaxLength?, Map*)>
<!ELEMENT Numeric (ImpliedAccuracy | Accuracy)?>
<!ELEMENT ImpliedAccuracy (#PCDATA)>
<!ELEMENT Accuracy (#PCDATA)>
<!ELEMENT AlphaNumeric EMPTY>
<!ELEMENT Date (Format)>
<!ELEMENT MaxLength (#PCDATA)>
<!ELEMENT Map (Description?, From, To)>
<!ELEMENT ForeignKey (Name+, References)>
<!ELEMENT References (#PCDATA)>
<!ELEMENT FixedLength (Length?, FixedPrimaryKey+, FixedColumn*, ForeignKey*)>
<!ELEMENT FixedPrimaryKey (Name, Description?, (Numeric | AlphaNumeric | Date), Map*, FixedRange)>
<!ELEMENT FixedColumn (Name, Description?, (Numeric | AlphaNumeric | Date), Map*, FixedRange)>
<!ELEMENT FixedRange (From, (To | Length))>
`;
