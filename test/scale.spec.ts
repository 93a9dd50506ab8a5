// Reading and validating a stack file is linear in its size, and an error lists at most
// MAX_LISTED_PROBLEMS problems with a count of the rest. Before: 20,000 unknown keys took 15 s in the YAML
// parser (the yaml package's duplicate-key check compares each key with every earlier one) and, nested in
// one setting, minutes in validation (the allowed list recomputed per unknown key); the error printed
// every one of them.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, MAX_LISTED_PROBLEMS, validateConfig } from "../settings/validate";
import { StackFileError, readStackFile } from "./harness/stack-file";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
const N = 20000;

describe("config at scale: linear validation, capped error lists", function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scale-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const dev = (YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config;

    /** Read and validate; the ConfigError it must throw and the seconds it took. */
    function timedOnce(file: string): { error: ConfigError; seconds: number } {
        const started = process.hrtime.bigint();
        let error: unknown;
        try {
            const { config: values, secureKeys } = readStackFile(file);
            validateConfig({ values, secretKeys: new Set(secureKeys), stack: "dev" });
        } catch (e) {
            error = e;
        }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        expect(error).to.be.instanceOf(ConfigError);
        return { error: error as ConfigError, seconds };
    }

    /**
     * Times N keys against N/4 keys (interleaved, so that the machine's load hits both alike; a second
     * round, best of two, when the first is over the bound): linear work takes about 4 times as long, quadratic 16 times. The bound is 8 times, plus
     * half a second for the fixed costs. The absolute figures are in the failure message.
     */
    function scaling(make: (n: number) => string, name: string): ConfigError {
        const big = path.join(dir, `${name}-big.yaml`);
        const small = path.join(dir, `${name}-small.yaml`);
        fs.writeFileSync(big, make(N));
        fs.writeFileSync(small, make(N / 4));
        let tBig = Infinity;
        let tSmall = Infinity;
        let error: ConfigError | undefined;
        // A second round only when the first is over the bound: a load spike, or the regression.
        for (let rep = 0; rep < 2 && !(tBig < 8 * tSmall + 0.5); rep++) {
            tSmall = Math.min(tSmall, timedOnce(small).seconds);
            const r = timedOnce(big);
            tBig = Math.min(tBig, r.seconds);
            error = r.error;
        }
        expect(tBig, `${N} keys: ${tBig.toFixed(2)} s, ${N / 4} keys: ${tSmall.toFixed(2)} s`).to.be.below(8 * tSmall + 0.5);
        return error!;
    }

    /** A stack file: the given settings, one `key: <JSON>` line each, then the extra lines. */
    const stackFile = (config: Record<string, unknown>, extra: string[]) =>
        ["config:", ...Object.entries(config).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`), ...extra, ""].join("\n");

    const checkCapped = (e: ConfigError, first: RegExp) => {
        expect(e.problems).to.have.length(N);
        const lines = e.message.split("\n");
        expect(lines).to.have.length(1 + MAX_LISTED_PROBLEMS + 1);
        expect(lines[1]).to.match(first);
        expect(lines[lines.length - 1]).to.equal(`  ... and ${N - MAX_LISTED_PROBLEMS} more problems`);
    };

    it(`${N} unknown top-level keys: read and validated in linear time, the error lists ${MAX_LISTED_PROBLEMS} and counts the rest`, () => {
        // The block mapping a stack file has, one line per key (written directly: YAML.stringify is slow).
        const error = scaling((n) => stackFile(dev, Array.from({ length: n }, (_, i) => `  deepalpha:unknown${i}: ${i}`)), "top");
        checkCapped(error, /^ {2}- deepalpha:unknown0: unknown setting \(allowed: /);
    });

    it(`${N} unknown keys inside one setting: validated in linear time (minutes before), error capped`, () => {
        const { "deepalpha:cluster": cluster, ...rest } = dev;
        const clusterLines = Object.entries(cluster as object).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
        const error = scaling((n) => stackFile(rest, ["  deepalpha:cluster:", ...clusterLines, ...Array.from({ length: n }, (_, i) => `    unknown${i}: ${i}`)]), "nested");
        checkCapped(error, /^ {2}- deepalpha:cluster\.unknown0: unknown setting \(allowed here: .*kubeContext/);
    });

    it("a short list is printed whole, without a count", () => {
        const e = new ConfigError(["a", "b"]);
        expect(e.message).to.equal("invalid stack configuration:\n  - a\n  - b");
    });

    it("a duplicate key is still refused (the check is ours now), naming the key and its line", () => {
        const file = path.join(dir, "dup.yaml");
        fs.writeFileSync(file, "config:\n  deepalpha:profile: local\n  deepalpha:cluster:\n    kubeContext: a\n    kubeContext: b\n");
        expect(() => readStackFile(file)).to.throw(StackFileError, /dup\.yaml:5: duplicate key "config\.deepalpha:cluster\.kubeContext"/);
        fs.writeFileSync(file, "config:\n  deepalpha:profile: local\n  deepalpha:profile: production\n");
        expect(() => readStackFile(file)).to.throw(StackFileError, /dup\.yaml:3: duplicate key "config\.deepalpha:profile"/);
    });

    it("an unquoted version (YAML's number 1.3 for 1.30) gets a hint to quote it (issue 15, item 8)", () => {
        const file = path.join(dir, "version.yaml");
        fs.writeFileSync(file, "config:\n  deepalpha:profile: local\n  deepalpha:cluster:\n    kubeContext: kind-deepalpha\n    kubernetesVersion: 1.30\n");
        const { config: values, secureKeys } = readStackFile(file);
        expect(() => validateConfig({ values, secretKeys: new Set(secureKeys), stack: "dev" })).to.throw(
            ConfigError,
            /deepalpha:cluster\.kubernetesVersion: got 1\.3, expected string; YAML read an unquoted number: put the value in quotes as you meant it \("1\.30", not 1\.30, which YAML reads as the number 1\.3\)/,
        );
    });

    it("a stack file that parses but says nothing (empty, no config: block) is refused, naming the file (issue 15, item 8)", () => {
        const file = path.join(dir, "empty.yaml");
        for (const [text, msg] of [
            ["", /empty\.yaml is empty: expected a "config:" mapping/],
            ["# only a comment\n", /empty\.yaml is empty: expected a "config:" mapping/],
            ["encryptionsalt: v1:abc\n", /empty\.yaml has no "config:" mapping \(top-level keys: encryptionsalt\)/],
            ["config:\n", /empty\.yaml has no "config:" mapping/],
        ] as const) {
            fs.writeFileSync(file, text);
            expect(() => readStackFile(file), JSON.stringify(text)).to.throw(StackFileError, msg);
        }
    });
});
