/**
 * src/texts is a leaf (DESIGN.md): every component may import it, so it imports no other component
 * of src/. The one Locale type lives in machines/conversation-types.ts (machines import nothing from
 * src/), and that file is the only thing outside src/texts it may reach.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const TEXTS = join(ROOT, 'src/texts');
const ALLOWED_OUTSIDE = ['machines/conversation-types.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every relative import of the texts component that leaves src/texts, as "file → target". */
function importsLeavingTexts(): string[] {
  return sourceFiles(TEXTS).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"`;]*?from\s+['"](\.[^'"]+)['"]/g)]
      .map((match) => relative(ROOT, resolve(dirname(file), match[1]!)))
      .filter((target) => !target.startsWith('src/texts/') && !ALLOWED_OUTSIDE.includes(`${target}.ts`))
      .map((target) => `${relative(ROOT, file)} → ${target}`),
  );
}

describe('the texts component', () => {
  it('imports no other component of src/', () => {
    expect(importsLeavingTexts()).toEqual([]);
  });
});
