// One deploy story (issue 15, items 4 and 12): docs/bootstrap.md is the only deploy procedure and the README
// links to it; the placeholders of the committed Pulumi.prod.yaml are listed, exactly, where a newcomer looks;
// no document types a secret on the command line or runs `pulumi up` / `pulumi preview` without the policy pack;
// the README indexes every document in docs/ and cites nothing outside the repository.
//
// "Placeholder", precisely: a scalar in Pulumi.prod.yaml whose own line ends with a `# placeholder` comment
// (optionally `# placeholder: why`). The file's markers must be exactly the values `pulumi up` refuses as
// placeholders (settings/validate.ts placeholderProblems), and both docs must list exactly those, with the
// committed value.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { readStackFile, OFFLINE_SECRET_PLACEHOLDER } from "./harness/stack-file";
import { REQUIRED_SECRETS, type Profile } from "../settings/schema";
import { validateConfig } from "../settings/validate";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const STACK_FILES = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).sort();

/** Marked placeholders of a stack file: setting path (`deepalpha:app.apiHost`, `...Cidrs[0]`) -> committed value. */
export function markedPlaceholders(yamlText: string): Map<string, string> {
    const out = new Map<string, string>();
    const doc = YAML.parseDocument(yamlText);
    const config = (doc.contents as YAML.YAMLMap).get("config", true);
    const walk = (node: unknown, at: string): void => {
        if (YAML.isMap(node)) for (const p of node.items) walk(p.value, at.includes(":") ? `${at}.${String((p.key as YAML.Scalar).value)}` : String((p.key as YAML.Scalar).value));
        else if (YAML.isSeq(node)) node.items.forEach((item, i) => walk(item, `${at}[${i}]`));
        else if (YAML.isScalar(node) && /^\s*placeholder\b/i.test(node.comment ?? "")) out.set(at, String(node.value));
    };
    walk(config, "");
    return out;
}

/** The settings `pulumi up` refuses as placeholders in a stack file (the offline plan's notes, unnoted). */
function refusedPlaceholders(file: string): string[] {
    const { config, secureKeys } = readStackFile(path.join(ROOT, file));
    const profile = (config["deepalpha:profile"] ?? "local") as Profile;
    const secretKeys = new Set(secureKeys);
    for (const k of REQUIRED_SECRETS[profile]) {
        config[`deepalpha:${k}`] ??= OFFLINE_SECRET_PLACEHOLDER;
        secretKeys.add(`deepalpha:${k}`);
    }
    const { placeholderNotes } = validateConfig({ values: config, secretKeys, stack: "prod" }, { placeholders: "note" });
    return placeholderNotes.map((n) => {
        const m = /^(deepalpha:[A-Za-z0-9.[\]]+): /.exec(n);
        if (!m) throw new Error(`a placeholder note that names no setting: ${n}`);
        return m[1];
    });
}

/** Rows of the first Markdown table after `heading`, before the next heading: first cell (setting) -> second cell. */
export function listedPlaceholders(markdown: string, heading: string): Map<string, string> {
    const text = `\n${markdown}`;
    const at = text.indexOf(`\n${heading}\n`);
    if (at < 0) throw new Error(`no heading ${JSON.stringify(heading)}`);
    const section = text.slice(at + heading.length + 2).split(/\n#{1,6} /)[0];
    const out = new Map<string, string>();
    for (const line of section.split("\n")) {
        const cells = /^\| `(deepalpha:[^`]+)` \| `([^`]*)` \|/.exec(line);
        if (cells) out.set(cells[1], cells[2]);
    }
    return out;
}

/** Code a reader would run: every line of fenced blocks, and every inline code span outside them. */
export function codeIn(markdown: string): string[] {
    const code: string[] = [];
    let fenced = false;
    for (const line of markdown.split("\n")) {
        if (/^\s*```/.test(line)) fenced = !fenced;
        else if (fenced) code.push(line.replace(/\s#\s.*$/, "").trim());
        else for (const m of line.matchAll(/`([^`]+)`/g)) code.push(m[1].trim());
    }
    return code;
}

/** `pulumi config set --secret` commands that carry the value as an argument (shell history, process list). */
export function secretsOnCommandLine(lines: string[]): string[] {
    return lines.filter((l) => {
        const m = /pulumi config set\b(.*)$/.exec(l);
        if (!m || !/(^|\s)--secret(\s|$)/.test(m[1])) return false;
        // Drop a stdin redirection (`< file`, not a `<value>` stand-in), flags and --stack's value, and the key:
        // anything left is a value.
        const words = m[1].replace(/(^|\s)<\s*[^\s<>]+(?=\s|$)/, " ").replace(/--stack(=|\s+)\S+/, "").trim().split(/\s+/).filter((w) => w && !w.startsWith("-"));
        return words.length > 1;
    });
}

/** `pulumi up` / `pulumi preview` commands without the policy pack and the config file of their stack. */
export function withoutPolicyPack(lines: string[]): string[] {
    return lines.filter((l) => {
        if (!/^pulumi (up|preview)\b/.test(l)) return false;
        const stack = /--stack[= ](\S+)/.exec(l)?.[1] ?? "";
        const config = stack.startsWith("prod") ? "prod" : stack.startsWith("dev") ? "dev" : undefined;
        return !config || !l.includes(`--policy-pack policy --policy-pack-config policy/config.${config}.json`);
    });
}

describe("deploy docs: the placeholders of Pulumi.prod.yaml", () => {
    it("are marked in the file exactly where pulumi up refuses a placeholder, and both docs list exactly those", () => {
        const marked = markedPlaceholders(read("Pulumi.prod.yaml"));
        expect(marked.size, "Pulumi.prod.yaml marks its placeholders with # placeholder").to.be.greaterThan(0);
        expect([...marked.keys()].sort(), "the # placeholder markers are the values pulumi up refuses").to.deep.equal(refusedPlaceholders("Pulumi.prod.yaml").sort());
        const bootstrap = listedPlaceholders(read("docs/bootstrap.md"), "### Placeholders in `Pulumi.prod.yaml`");
        const readme = listedPlaceholders(read("README.md"), "## Before the first prod deploy");
        expect(Object.fromEntries(bootstrap), "docs/bootstrap.md's table: setting and committed value").to.deep.equal(Object.fromEntries(marked));
        expect(Object.fromEntries(readme), "the README's table: setting and committed value").to.deep.equal(Object.fromEntries(marked));
    });

    it("no other stack file carries a placeholder marker or a value pulumi up refuses", () => {
        for (const f of STACK_FILES.filter((f) => f !== "Pulumi.prod.yaml")) {
            expect([...markedPlaceholders(read(f)).keys()], f).to.deep.equal([]);
            expect(refusedPlaceholders(f), f).to.deep.equal([]);
        }
    });

    it("the check sees a new marker and a changed value (so a template change cannot slip past the docs)", () => {
        const text = read("Pulumi.prod.yaml");
        const more = text.replace(/^(\s+)apiHost: (\S+)\s+# placeholder$/m, "$1apiHost: $2  # placeholder\n$1llmBaseUrl: https://llm.example.com  # placeholder: sample");
        expect([...markedPlaceholders(more).keys()]).to.include("deepalpha:app.llmBaseUrl");
        const changed = text.replace("- 198.51.100.0/24  # placeholder", "- 203.0.113.0/24  # placeholder");
        expect(markedPlaceholders(changed).get("deepalpha:cluster.publicEndpointCidrs[0]")).to.equal("203.0.113.0/24");
        expect(listedPlaceholders("## Before the first prod deploy\n\n| setting | committed value |\n|---|---|\n| `deepalpha:app.apiHost` | `x.example.com` |\n\n## Next\n| `deepalpha:no` | `1` |\n", "## Before the first prod deploy")).to.deep.equal(new Map([["deepalpha:app.apiHost", "x.example.com"]]));
    });
});

describe("deploy docs: one procedure", () => {
    it("the README links to docs/bootstrap.md and runs no pulumi command of its own", () => {
        const readme = read("README.md");
        expect(readme).to.contain("](docs/bootstrap.md)");
        let fenced = false;
        const pulumiLines = readme.split("\n").filter((l) => {
            if (/^\s*```/.test(l)) fenced = !fenced;
            return fenced && /^\s*pulumi\s/.test(l);
        });
        expect(pulumiLines, "deploy commands belong to docs/bootstrap.md").to.deep.equal([]);
    });

    it("docs/bootstrap.md deploys prod with the S3 backend, the KMS secrets provider and the policy pack", () => {
        const code = codeIn(read("docs/bootstrap.md"));
        expect(code).to.include('export PULUMI_BACKEND_URL="s3://$STATE_BUCKET?region=$AWS_REGION"');
        expect(code).to.include('pulumi login "$PULUMI_BACKEND_URL"');
        expect(code.some((l) => /^export PULUMI_SECRETS_PROVIDER="awskms:\/\//.test(l))).to.equal(true);
        expect(code).to.include('pulumi stack init prod --secrets-provider "$PULUMI_SECRETS_PROVIDER"');
        expect(code).to.include("pulumi up --stack prod --policy-pack policy --policy-pack-config policy/config.prod.json");
        expect(code).to.include("pulumi up --stack dev --policy-pack policy --policy-pack-config policy/config.dev.json");
        // dev: the local cluster the committed stack file points at, created as the doc says.
        const context = (YAML.parse(read("Pulumi.dev.yaml")) as { config: Record<string, { kubeContext?: string }> }).config["deepalpha:cluster"]?.kubeContext;
        const kind = code.map((l) => /^kind create cluster --name (\S+)/.exec(l)?.[1]).find(Boolean);
        expect(`kind-${kind}`, "docs/bootstrap.md's kind cluster is Pulumi.dev.yaml's kubeContext").to.equal(context);
        for (const f of ["policy/config.dev.json", "policy/config.prod.json"]) expect(fs.existsSync(path.join(ROOT, f)), f).to.equal(true);
    });

    it("no document or stack file puts a secret's value on the command line", () => {
        const found = [
            ...DOCS.flatMap((f) => secretsOnCommandLine(codeIn(read(f))).map((l) => `${f}: ${l}`)),
            ...STACK_FILES.flatMap((f) => secretsOnCommandLine(read(f).split("\n").map((l) => l.replace(/^\s*#\s*/, ""))).map((l) => `${f}: ${l}`)),
        ];
        expect(found, found.join("\n")).to.deep.equal([]);
        // The check itself.
        expect(secretsOnCommandLine(["pulumi config set --secret --stack prod deepalpha:binanceApiKey <value>", "pulumi config set --secret deepalpha:llmApiKey sk-123"])).to.have.length(2);
        expect(secretsOnCommandLine(["pulumi config set --secret --stack prod deepalpha:binanceApiKey", "pulumi config set --secret --stack prod deepalpha:binanceApiKey < key.txt", "pulumi config set --stack dev --path 'deepalpha:cluster.kubeContext' minikube"])).to.deep.equal([]);
    });

    it("every pulumi up and pulumi preview in a code block runs the policy pack with its stack's config", () => {
        const found: string[] = [];
        for (const f of DOCS) {
            let fenced = false;
            for (const line of read(f).split("\n")) {
                if (/^\s*```/.test(line)) fenced = !fenced;
                else if (fenced) found.push(...withoutPolicyPack([line.replace(/\s#\s.*$/, "").trim()]).map((l) => `${f}: ${l}`));
            }
        }
        expect(found, found.join("\n")).to.deep.equal([]);
        expect(withoutPolicyPack(["pulumi up", "pulumi up --stack prod --policy-pack policy --policy-pack-config policy/config.dev.json", "pulumi preview --stack dev --policy-pack policy --policy-pack-config policy/config.dev.json"])).to.deep.equal(["pulumi up", "pulumi up --stack prod --policy-pack policy --policy-pack-config policy/config.dev.json"]);
    });
});

describe("deploy docs: the README as the front page", () => {
    it("indexes every document in docs/", () => {
        const readme = read("README.md");
        const missing = DOCS.filter((f) => f.startsWith("docs/") && !readme.includes(`](${f})`));
        expect(missing, "README's docs index").to.deep.equal([]);
    });

    it("stays short, and cites the seed by what it says rather than by a path outside the repository", () => {
        const readme = read("README.md");
        expect(readme.split("\n").length, "README lines: move detail into docs/").to.be.at.most(220);
        for (const f of DOCS) {
            const text = read(f);
            expect(text, f).not.to.match(/\]\(\.\.\/(\.\.\/)*shared|shared\/seed|seed\/000_/);
            for (const m of text.matchAll(/\]\(([^)#\s]+)/g)) {
                if (/^[a-z]+:/.test(m[1])) continue;
                const target = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, f)), m[1]));
                expect(target.startsWith(".."), `${f} links outside the repository: ${m[1]}`).to.equal(false);
            }
        }
    });
});
