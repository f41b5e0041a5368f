// Sizes of source files and of the functions in them, read with the TypeScript compiler's own parser (a
// function is what the language says it is: declarations, expressions, arrows, methods, accessors). A
// function's length includes the functions nested in it, so a factory that returns an object of methods counts
// as one long function. Svelte components are measured by their <script> block.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface FunctionSize {
  file: string;
  name: string;
  line: number;
  lines: number;
}

export function sourceFilesUnder(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|svelte)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('node_modules'))
    .map((f) => path.join(abs, f))
    .filter((f) => statSync(f).isFile());
}

export const lineCount = (file: string): number => readFileSync(file, 'utf8').split('\n').length;

function scriptOf(file: string): { text: string; lineOffset: number } {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.svelte')) return { text, lineOffset: 0 };
  const m = /<script[^>]*>([\s\S]*?)<\/script>/.exec(text);
  if (!m) return { text: '', lineOffset: 0 };
  return { text: m[1]!, lineOffset: text.slice(0, m.index).split('\n').length - 1 };
}

function nameOf(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node)) && node.name) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  return '(anonymous)';
}

export function functionSizes(file: string): FunctionSize[] {
  const { text, lineOffset } = scriptOf(file);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ file, name: nameOf(node), line: start + 1 + lineOffset, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}
