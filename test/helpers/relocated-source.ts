/**
 * A variant of a module's source, to be written outside its folder (a benchmark's temporary folder) and imported from
 * there: its relative imports (`'../x'`, `'./y'`) made absolute against `dir`, the folder the source is from, and
 * `@contract` (tsconfig paths) made the contract's own file `contract`, so the variant shares every module instance
 * (StudioError's class among them) with the code it is compared against. Bare package names are left as they are: the
 * caller links node_modules beside the variant, and writes a package.json of `"type": "module"` there (else tsx loads
 * the variant as CommonJS, with a contract of its own). Pure.
 * @param src the module's TypeScript source
 * @param dir the absolute folder `src` was read from
 * @param contract the absolute path of main/contract/index.ts
 */
import { resolve } from 'node:path';

export function relocatedSource(src: string, dir: string, contract: string): string {
  return src.replace(/(\bfrom\s+|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]+|@contract)\2/g, (_m, head: string, q: string, spec: string) =>
    `${head}${q}${spec === '@contract' ? contract : resolve(dir, spec)}${q}`);
}
