// Input that parses but says nothing, or is not what the command reads (issue 15, item 8): each is refused or
// warned about with the file, the line or key, and how to get it right; binary bytes are never echoed.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { runScript } from "./harness/cli";
import { StackFileError, readStackFile } from "./harness/stack-file";
import { InputError, readDocument } from "../scripts/policy-check";
import { ConfigError, validateConfig } from "../settings/validate";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "input-spec-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (content: string | Buffer, ext = "yaml") => {
    const f = path.join(dir, `f${n++}.${ext}`);
    fs.writeFileSync(f, content);
    return f;
};
const stackError = (content: string | Buffer) => {
    const f = write(content);
    try {
        readStackFile(f);
    } catch (e) {
        if (e instanceof StackFileError) return e.message.replace(f, "FILE");
        throw e;
    }
    throw new Error("expected a StackFileError");
};
const documentError = (content: string | Buffer) => {
    const f = write(content, "json");
    try {
        readDocument(f, "plan.json");
    } catch (e) {
        if (e instanceof InputError) return e.message;
        throw e;
    }
    throw new Error("expected an InputError");
};
/** Printable ASCII only: no raw byte of the input reached the message. */
const PRINTABLE = /^[\x20-\x7e]*$/;
const gzip = zlib.gzipSync(Buffer.from("config:\n  deepalpha:profile: local\n"));
const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"steps": []}', "utf16le")]);

function validate(values: Record<string, string>) {
    return validateConfig({ values, secretKeys: new Set(), stack: "dev" });
}
const problemsOf = (values: Record<string, string>) => {
    try {
        validate(values);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    throw new Error("expected a ConfigError");
};
const dev = { "deepalpha:profile": "local", "deepalpha:cluster": JSON.stringify({ kubeContext: "kind-deepalpha" }) };

describe("input: stack files that parse but say nothing, or do not parse", () => {
    it("an empty config: mapping, or one with only other namespaces' keys, is refused", () => {
        expect(stackError("config: {}\n")).to.equal('FILE: "config:" has no deepalpha: setting (it is empty), so every setting would be a default of the local profile; set at least deepalpha:profile');
        expect(stackError("config:\n  aws:region: us-west-2\n  kubernetes:context: kind-x\n")).to.match(/^FILE: "config:" has no deepalpha: setting \(only aws:region, kubernetes:context\)/);
    });

    it("a YAML syntax error names the line, the column and the key it is under", () => {
        expect(stackError("config:\n  deepalpha:profile: local\n  deepalpha:cluster:\n    kubeContext: [a\n")).to.equal(
            'FILE:5:1: not valid YAML (under "config.deepalpha:cluster.kubeContext"): Flow sequence in block collection must be sufficiently indented and end with a ]',
        );
        expect(stackError("config:\n  deepalpha:profile: local\n\tdeepalpha:app: {}\n")).to.equal('FILE:3:1: not valid YAML (under "config.deepalpha:app"): Tabs are not allowed as indentation');
    });

    it("binary input is described, never echoed: compressed data, UTF-16, NUL bytes", () => {
        const gz = stackError(gzip);
        expect(gz).to.equal('FILE is binary, gzip-compressed data: decompress it first (gunzip) (first bytes 1f 8b 08 00); expected a YAML stack file with a "config:" mapping');
        expect(stackError(Buffer.concat([Buffer.from("config:\n"), Buffer.from([0, 1, 2, 0x1b, 0x5b, 0x32, 0x4a])]))).to.match(/^FILE is binary, not text \(a NUL byte; first bytes 63 6f 6e 66\)/);
        expect(stackError(utf16)).to.match(/^FILE is UTF-16 text \(byte order mark fffe\), which Windows PowerShell's > writes: save it as UTF-8/);
        expect(stackError(Buffer.from([0x63, 0x6f, 0xc3, 0x28, 0x0a]))).to.match(/^FILE is not UTF-8 text/);
        for (const m of [gz, stackError(utf16)]) expect(m).to.match(PRINTABLE);
    });
});

describe("input: settings too long, and keys of other providers", () => {
    it("a length error says too long, counts what was given, and cuts a long value short", () => {
        const name = "a".repeat(300);
        expect(problemsOf({ ...dev, "deepalpha:cluster": JSON.stringify({ kubeContext: "k", name }) })).to.deep.equal([
            `deepalpha:cluster.name: got "${"a".repeat(59)}... (302 characters), too long: 300 characters, allowed maximum is 39`,
        ]);
        const bots = Array.from({ length: 11 }, (_, i) => ({ name: `b${i}`, strategy: "S", pairs: ["BTC/USDT"], dryRun: true }));
        expect(problemsOf({ ...dev, "deepalpha:app": JSON.stringify({ freqtradeBots: bots }) })).to.deep.equal(["deepalpha:app.freqtradeBots: got 11 items, too long: allowed maximum is 10"]);
        expect(problemsOf({ ...dev, "deepalpha:app": JSON.stringify({ apiHost: `${"a.".repeat(130)}io` }) })[0]).to.match(/^deepalpha:app\.apiHost: got ".*\.\.\. \(264 characters\), too long: 262 characters, allowed maximum is 253$/);
    });

    it("warns about a kubernetes: key (the program's own provider ignores it), aws: keys in the local profile, a misspelt namespace", () => {
        const { warnings } = validate({ ...dev, "kubernetes:context": "kind-other", "aws:region": "us-west-2", "deepalpah:profile": "production" });
        expect(warnings).to.deep.equal([
            "kubernetes:context is set but has no effect: every Kubernetes object goes through the program's own provider, built from deepalpha:cluster.kubeContext (and kubeconfigPath), " +
                "never the default provider that kubernetes:* configures; set deepalpha:cluster.kubeContext instead",
            "aws:region is set but has no effect: the local profile creates nothing on AWS",
            'deepalpah:profile is set but nothing in this program reads the "deepalpah" namespace (read: aws, deepalpha, eks, pulumi, random); did you mean deepalpha:profile?',
        ]);
        expect(validate(dev).warnings).to.deep.equal([]);
    });

    it("pulumi up (config.ts) logs the same warnings through the engine, also when it refuses the configuration", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { loadConfig } = require("../config") as typeof import("../config");
        const log = pulumi.log as { warn: (m: string) => Promise<void> };
        const original = log.warn;
        const warned: string[] = [];
        log.warn = (m: string) => {
            warned.push(m);
            return Promise.resolve();
        };
        try {
            pulumi.runtime.setAllConfig({ ...dev, "kubernetes:context": "kind-other" }, []);
            expect(loadConfig().settings.profile).to.equal("local");
            pulumi.runtime.setAllConfig({ ...dev, "kubernetes:context": "kind-other", "deepalpha:app": JSON.stringify({ replicas: { api: 0 } }) }, []);
            expect(() => loadConfig()).to.throw(/deepalpha:app\.replicas\.api: got 0/);
        } finally {
            log.warn = original;
        }
        expect(warned).to.have.length(2);
        for (const w of warned) expect(w).to.match(/^kubernetes:context is set but has no effect/);
    });

    it("the plan prints the warnings on stderr, also when the configuration is refused", async () => {
        const f = write(`config:\n  deepalpha:profile: local\n  kubernetes:context: kind-other\n  deepalpha:cluster:\n    kubeContext: kind-deepalpha\n    name: ${"a".repeat(40)}\n`);
        const r = await runScript("plan.ts", ["--stack", "dev", "--config-file", f]);
        expect(r.code).to.equal(1);
        expect(r.stderr).to.match(/^warning: kubernetes:context is set but has no effect: .*\nerror: invalid stack configuration:\n  - deepalpha:cluster\.name: got "a{40}", too long: 40 characters, allowed maximum is 39\n$/);
    });
});

describe("input: policy:check's FILE", () => {
    it("JSON behind npm's banner: says to rerun with --silent", () => {
        const banner = "\n> deepalpha-infra@0.1.0 plan\n> TS_NODE_TRANSPILE_ONLY=true node -r ts-node/register scripts/plan.ts --stack dev --json\n\n";
        expect(documentError(`${banner}{"steps": []}\n`)).to.equal(
            'plan.json starts with npm\'s banner ("> deepalpha-infra@0.1.0 plan"), not JSON: it was written by npm run without --silent; rerun as npm run --silent ... > plan.json',
        );
    });

    it("an engine event stream (one event per line) is recognised and explained", () => {
        const events = [{ sequence: 0, timestamp: 1, preludeEvent: { config: {} } }, { sequence: 1, timestamp: 2, resourcePreEvent: { metadata: { op: "create" } } }, { sequence: 2, timestamp: 3, summaryEvent: {} }];
        expect(documentError(events.map((e) => JSON.stringify(e)).join("\n") + "\n")).to.match(
            /^plan\.json is an engine event stream \(3 events, one JSON object per line\), as pulumi preview --json prints with PULUMI_ENABLE_STREAMING_JSON_PREVIEW set, or --event-log writes; .*rerun with that variable unset/,
        );
    });

    it("binary input is described, never echoed; a UTF-8 byte order mark is accepted", () => {
        const gz = documentError(zlib.gzipSync(Buffer.from('{"steps": []}')));
        expect(gz).to.match(/^plan\.json is binary, gzip-compressed data: decompress it first \(gunzip\) \(first bytes 1f 8b 08 00\); expected the JSON document/);
        expect(gz).to.match(PRINTABLE);
        expect(documentError(utf16)).to.match(/^plan\.json is UTF-16 text/);
        expect(readDocument(write('\uFEFF{"steps": []}', "json"))).to.deep.equal({ steps: [] });
    });
});
