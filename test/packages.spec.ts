// The tier packages stand alone: each imports only its own src/, Node's built-ins and the packages its
// package.json declares (other @deepalpha packages through their entry point only, never the root program), and
// carries what a consumer needs (name, semver version, exports, types, files, engines, honest peer ranges, README,
// CHANGELOG). TypeScript enforces part of this too (project references, node16 resolution honours `exports`).
import { expect } from "chai";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import * as semver from "semver";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
const COMPONENTS = path.join(ROOT, "components");
const PACKAGES = fs.readdirSync(COMPONENTS).filter((d) => fs.existsSync(path.join(COMPONENTS, d, "package.json")));
const TIERS = ["cluster", "data", "app", "observability"];

interface PackageJson {
    name: string;
    version: string;
    private?: boolean;
    main?: string;
    types?: string;
    exports?: Record<string, unknown>;
    files?: string[];
    engines?: { node?: string };
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
}
const pkg = (dir: string) => JSON.parse(fs.readFileSync(path.join(COMPONENTS, dir, "package.json"), "utf8")) as PackageJson;
const rootPkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as PackageJson & { workspaces: string[] };

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** Every module specifier a file imports, re-exports, requires or imports dynamically. */
export function specifiers(text: string): string[] {
    const out: string[] = [];
    const re = /(?:^|[^.\w])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?["']([^"']+)["']|(?:require|import)\(\s*["']([^"']+)["']\s*\)/gm;
    for (const m of text.matchAll(re)) out.push(m[1] ?? m[2]);
    return out;
}

/** The package a bare specifier names: `@scope/name` or `name`. */
const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);

/** Problems with one import of `file` (in package `dir`): empty when it is allowed. */
export function importProblem(dir: string, file: string, spec: string, declared: Set<string>): string | undefined {
    const where = `${path.relative(ROOT, file)} imports ${JSON.stringify(spec)}`;
    if (spec.startsWith(".")) {
        const target = path.resolve(path.dirname(file), spec);
        const src = path.join(COMPONENTS, dir, "src");
        return target === src || target.startsWith(src + path.sep) ? undefined : `${where}: outside the package's src/ (only its own files, or another package's entry point)`;
    }
    if (spec.startsWith("node:") || builtinModules.includes(spec)) return undefined;
    const name = packageOf(spec);
    if (!declared.has(name)) return `${where}: ${name} is not in its package.json dependencies or peerDependencies`;
    if (name.startsWith("@deepalpha/") && spec !== name) return `${where}: another package's internals; import its entry point ${name}`;
    return undefined;
}

describe("packages: each tier package stands alone", () => {
    it("the workspace lists every package under components/ and the policy pack", () => {
        expect(PACKAGES).to.include.members([...TIERS, "shared", "testing"]);
        expect(rootPkg.workspaces).to.have.members([...PACKAGES.map((d) => `components/${d}`), "policy"]);
    });

    for (const dir of PACKAGES) {
        const p = pkg(dir);
        const declared = new Set([...Object.keys(p.dependencies ?? {}), ...Object.keys(p.peerDependencies ?? {})]);

        it(`${p.name}: imports only its own src/, built-ins and declared packages (entry points only)`, () => {
            const problems: string[] = [];
            for (const file of sourceFiles(path.join(COMPONENTS, dir, "src"))) {
                for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
                    const problem = importProblem(dir, file, spec, declared);
                    if (problem) problems.push(problem);
                }
            }
            expect(problems).to.deep.equal([]);
        });

        it(`${p.name}: tsconfig references exactly the @deepalpha packages it depends on`, () => {
            const tsconfig = JSON.parse(fs.readFileSync(path.join(COMPONENTS, dir, "tsconfig.json"), "utf8")) as { references?: { path: string }[] };
            const refs = (tsconfig.references ?? []).map((r) => `@deepalpha/${path.basename(r.path)}`).sort();
            expect(refs).to.deep.equal(Object.keys(p.dependencies ?? {}).filter((d) => d.startsWith("@deepalpha/")).sort());
        });

        if (p.private) continue;
        it(`${p.name}: a publishable package.json, README and CHANGELOG`, () => {
            expect(p.name).to.equal(`@deepalpha/${dir}`);
            expect(semver.valid(p.version), "semver version").to.equal(p.version);
            expect(p.main).to.equal("./dist/index.js");
            expect(p.types).to.equal("./dist/index.d.ts");
            expect(p.exports?.["."]).to.deep.equal({ types: "./dist/index.d.ts", default: "./dist/index.js" });
            expect(p.exports?.["./package.json"]).to.equal("./package.json");
            // Any other entry point is a documented subpath of dist/ with its declarations (e.g. @deepalpha/cluster/defaults).
            for (const [sub, target] of Object.entries(p.exports ?? {})) {
                if (sub === "." || sub === "./package.json") continue;
                const name = sub.replace(/^\.\//, "");
                expect(target, sub).to.deep.equal({ types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` });
                expect(fs.readFileSync(path.join(COMPONENTS, dir, "README.md"), "utf8"), `${sub} is documented`).to.include(`${p.name}/${name}`);
            }
            expect(p.files).to.have.members(["dist/**/*.js", "dist/**/*.d.ts", "README.md", "CHANGELOG.md"]);
            expect(p.engines?.node).to.equal(rootPkg.engines?.node);
            for (const f of ["README.md", "CHANGELOG.md"]) expect(fs.existsSync(path.join(COMPONENTS, dir, f)), f).to.equal(true);
            expect(fs.readFileSync(path.join(COMPONENTS, dir, "CHANGELOG.md"), "utf8")).to.include(`## ${p.version}`);
        });

        it(`${p.name}: the @pulumi SDKs are peer dependencies whose ranges hold the versions this repository tests`, () => {
            const pulumiDeps = Object.keys(p.dependencies ?? {}).filter((d) => d.startsWith("@pulumi/"));
            expect(pulumiDeps, "an @pulumi SDK as a dependency would load a second copy beside the program's").to.deep.equal([]);
            for (const [name, range] of Object.entries(p.peerDependencies ?? {})) {
                const tested = (rootPkg.dependencies ?? {})[name];
                expect(tested, `${name} is pinned by the root package`).to.be.a("string");
                expect(semver.satisfies(tested!, range), `${name} ${tested} satisfies ${range}`).to.equal(true);
            }
            for (const [name, range] of Object.entries(p.dependencies ?? {})) {
                if (!name.startsWith("@deepalpha/")) continue;
                expect(range, `${name}: this workspace's version`).to.equal(pkg(name.split("/")[1]).version);
            }
        });
    }

    describe("the checker itself", () => {
        const declared = new Set(["@pulumi/pulumi", "@deepalpha/shared"]);
        const file = path.join(COMPONENTS, "data", "src", "data-tier.ts");
        it("refuses the root program, another package's internals and undeclared packages; allows the rest", () => {
            expect(importProblem("data", file, "../../../settings/schema", declared)).to.match(/outside the package's src/);
            expect(importProblem("data", file, "../../app/src/routes", declared)).to.match(/outside the package's src/);
            expect(importProblem("data", file, "@deepalpha/shared/src/conventions", declared)).to.match(/internals/);
            expect(importProblem("data", file, "@deepalpha/app", declared)).to.match(/not in its package.json/);
            expect(importProblem("data", file, "zod", declared)).to.match(/not in its package.json/);
            for (const ok of ["./common", "@pulumi/pulumi", "@deepalpha/shared", "crypto", "node:fs"]) expect(importProblem("data", file, ok, declared), ok).to.equal(undefined);
        });
        it("finds imports, re-exports, type imports, require and dynamic import", () => {
            expect(specifiers(`import * as a from "a";\nimport type { B } from "b";\nexport { c } from "./c";\nconst d = require("d");\nawait import("e");\nimport "f";\nimport {\n  g,\n} from "g";`)).to.deep.equal(["a", "b", "./c", "d", "e", "f", "g"]);
        });
    });
});
