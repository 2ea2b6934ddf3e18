/**
 * The one place that loads @fedify/fedify. It is ESM-only and this project
 * compiles to CommonJS, so it is loaded by a real dynamic import (TypeScript
 * in node16 mode keeps `import()` as is) once, on first need.
 */
export type Fedify = typeof import("@fedify/fedify", { with: { "resolution-mode": "import" } });

let loading: Promise<Fedify> | null = null;

/** The fedify module (loaded once). */
export function loadFedify(): Promise<Fedify> {
  loading ??= import("@fedify/fedify") as Promise<Fedify>;
  return loading;
}
