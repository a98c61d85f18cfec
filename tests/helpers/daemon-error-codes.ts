/**
 * Every error code the daemon can answer with, read from its sources (so a new code without a
 * UI translation fails tests/unit/ui-i18n.test.ts). A code is a snake_case string literal
 *  - in the `code` argument of a call or `new` of a function, method or class whose parameter
 *    list names `code` (fail(), the domain error classes, refuse(), …), or
 *  - as the value of a `code:` property (error bodies, provider failure tables, events), or
 *  - in a constant named …CODE.
 * Syntax only (TypeScript's parser, no type checker): fast, and it follows new error helpers
 * as long as they call their parameter `code`.
 */
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const CODE_RE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

function codeIndex(params: ts.NodeArray<ts.ParameterDeclaration>): number {
  return params.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === 'code');
}

function calleeName(e: ts.Expression): string | null {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return null;
}

/** code → the files it appears in (relative to `root`). */
export function daemonErrorCodes(root: string): Map<string, Set<string>> {
  const sources = tsFiles(path.join(root, 'daemon')).map((f) =>
    ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true),
  );
  // Pass 1: which callables take a `code`, and at which position (-1: none). A name declared
  // in the file itself means that declaration there (document.ts has a refuse() of its own).
  const takesCode = new Map<string, number>();
  const local = new Map<ts.SourceFile, Map<string, number>>();
  for (const sf of sources) {
    const mine = new Map<string, number>();
    local.set(sf, mine);
    const note = (name: string | undefined, params: ts.NodeArray<ts.ParameterDeclaration>) => {
      if (!name) return;
      const i = codeIndex(params);
      mine.set(name, Math.max(i, mine.get(name) ?? -1));
      if (i >= 0) takesCode.set(name, i);
    };
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionDeclaration(n)) note(n.name?.text, n.parameters);
      else if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name))
        note(n.name.text, n.parameters);
      else if (ts.isClassDeclaration(n) && n.name) {
        for (const m of n.members)
          if (ts.isConstructorDeclaration(m)) note(n.name.text, m.parameters);
      } else if (
        ts.isVariableDeclaration(n) &&
        ts.isIdentifier(n.name) &&
        n.initializer &&
        (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))
      )
        note(n.name.text, n.initializer.parameters);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  // Pass 2: the literals in those positions, and `code: '…'` properties.
  const codes = new Map<string, Set<string>>();
  const add = (code: string, sf: ts.SourceFile) => {
    if (!CODE_RE.test(code)) return;
    const rel = path.relative(root, sf.fileName);
    if (!codes.has(code)) codes.set(code, new Set());
    codes.get(code)!.add(rel);
  };
  for (const sf of sources) {
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
        const name = calleeName(n.expression);
        const i = name ? (local.get(sf)!.get(name) ?? takesCode.get(name)) : undefined;
        const arg = i === undefined || i < 0 ? undefined : n.arguments?.[i];
        if (arg && ts.isStringLiteralLike(arg)) add(arg.text, sf);
      }
      // A code kept in a constant: `export const BIDI_CONTROL_CODE = 'bidi_control_character'`.
      if (
        ts.isVariableDeclaration(n) &&
        ts.isIdentifier(n.name) &&
        /CODE$/.test(n.name.text) &&
        n.initializer &&
        ts.isStringLiteralLike(n.initializer)
      )
        add(n.initializer.text, sf);
      if (
        ts.isPropertyAssignment(n) &&
        ts.isIdentifier(n.name) &&
        n.name.text === 'code' &&
        ts.isStringLiteralLike(n.initializer)
      )
        add(n.initializer.text, sf);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return codes;
}
