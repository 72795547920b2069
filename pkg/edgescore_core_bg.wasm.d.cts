// Types of `require('edgescore/edgescore_core_bg.wasm')`: a CommonJS bundle made with esbuild's
// `file` loader gets the path of the copied file as the module itself. The ES module form is
// edgescore_core_bg.wasm.d.ts.

/** The path of the .wasm as the bundler's file loader gives it. */
declare const wasmPath: string;
export = wasmPath;
