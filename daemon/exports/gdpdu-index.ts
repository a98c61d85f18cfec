/**
 * index.xml of the DSFinV-K export and the DTD it names: every CSV file of dsfinvk-spec.ts
 * described in the GDPdU description standard the auditor's software reads (`;` between
 * columns, CRLF between records, `"` around text, decimal comma, a header line first).
 */
import type { Col } from './dsfinvk-spec.js';
import { DSFINVK_FILES } from './dsfinvk-spec.js';

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
