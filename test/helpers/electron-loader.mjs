// A module-resolution hook (module.register) that answers `import 'electron'`
// with ./electron-stub.mjs, so the built main bundle can run under plain Node
// against fakes (Electron's binary cannot be downloaded here).
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: new URL('./electron-stub.mjs', import.meta.url).href, shortCircuit: true };
  return next(specifier, context);
}
