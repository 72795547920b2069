// Types of `edgescore/edgescore_core_bg.wasm`, the module itself, for bundlers that need it
// imported by name. What the import gives is the bundler's to decide; with esbuild's `file`
// loader (docs/browser.md) it is the path of the copied file, relative to the bundle. Named
// after the file it describes, so that TypeScript's `node10` resolution, which does not read
// `exports`, finds it too; `edgescore_core_bg.wasm.d.cts` is the same for `require`.

/** The path of the .wasm as the bundler's file loader gives it. */
declare const wasmPath: string;
export default wasmPath;
