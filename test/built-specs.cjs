// For the mocha configurations (.mocharc.cjs, test/*/mocharc.cjs): the specs run as their compiled JavaScript
// under bin/ (tsconfig.json's outDir; `npm run build`, and every npm script that runs them, writes it first).
// The list is taken from the TypeScript sources, so a spec deleted or renamed since a build never runs from a
// stale bin/ file. Plain JavaScript in the source tree (tsc does not compile it): __dirname is test/.
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");

/** bin/<dir>/**\/<name>.js for every <dir>/**\/<name><suffix> source (e.g. "test", ".spec.ts"), sorted. */
function builtSpecs(dir, suffix, { recursive = false } = {}) {
    return fs
        .readdirSync(path.join(ROOT, dir), { recursive })
        .filter((f) => f.endsWith(suffix))
        .sort()
        .map((f) => path.join("bin", dir, f).replace(/\.ts$/, ".js"));
}

module.exports = { builtSpecs };
