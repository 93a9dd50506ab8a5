// The validation every tier package runs on its args before registering anything: the wording users see.
import { expect } from "chai";
import { z } from "zod";
import { ArgsError, deepMerge, field, show, validateArgs, withDefaults } from "../src";

const schema = z
    .object({
        backupSchedule: field.cron(),
        partitionMonthsAhead: field.int(2, 24),
        volumeSize: field.quantity(),
        namespace: field.dnsLabel(),
        tls: z.enum(["selfSigned", "letsEncrypt"]),
        image: field.imageRef(),
    })
    .strict();
const good = { backupSchedule: "0 2 * * *", partitionMonthsAhead: 3, volumeSize: "20Gi", namespace: "deepalpha-data", tls: "selfSigned", image: { repository: "postgres", tag: "16.6-alpine" } };

function problems(args: unknown, extra: string[] = []): string[] {
    try {
        validateArgs("DataTier", "data", schema, args, extra);
    } catch (e) {
        expect(e).to.be.instanceOf(ArgsError);
        return (e as ArgsError).problems;
    }
    return [];
}

describe("validateArgs", () => {
    it("accepts valid args", () => {
        expect(problems(good)).to.deep.equal([]);
    });

    it("names the argument, the value and what is allowed, one line each, under the component and instance", () => {
        const bad = { ...good, backupSchedule: "every night", partitionMonthsAhead: 0, volumeSize: "lots" };
        let message = "";
        try {
            validateArgs("DataTier", "data", schema, bad);
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).to.equal(
            [
                'invalid arguments for DataTier "data":',
                '  - backupSchedule: got "every night", expected a five-field cron schedule such as "0 2 * * *"',
                "  - partitionMonthsAhead: got 0, allowed minimum is 2",
                '  - volumeSize: got "lots", expected a Kubernetes quantity such as 500m, 512Mi or 20Gi',
            ].join("\n"),
        );
    });

    it("words enums, unknown keys, nested paths, types and lengths", () => {
        expect(problems({ ...good, tls: "acme", extra: 1, image: { repository: "Postgres", tag: "16" }, namespace: "x".repeat(64) })).to.deep.equal([
            `namespace: got "${"x".repeat(64)}", too long: 64 characters, allowed maximum is 63`,
            'tls: got "acme", allowed values are "selfSigned", "letsEncrypt"',
            'image.repository: got "Postgres", expected an image repository such as ghcr.io/deepalpha/deepalpha',
            "extra: unknown setting (allowed here: backupSchedule, image, namespace, partitionMonthsAhead, tls, volumeSize)",
        ]);
        expect(problems({ ...good, partitionMonthsAhead: "3" })).to.deep.equal(['partitionMonthsAhead: got "3", expected number']);
    });

    it("adds the caller's cross-field problems and skips empty ones", () => {
        expect(problems(good, ["maxSize: got 1, allowed minimum is minSize (3)", undefined as unknown as string])).to.deep.equal(["maxSize: got 1, allowed minimum is minSize (3)"]);
    });

    it("throws a RunError, so pulumi up prints the message without a stack trace", async () => {
        const pulumi = await import("@pulumi/pulumi");
        let error: unknown;
        try {
            validateArgs("DataTier", "data", schema, { ...good, volumeSize: "lots" });
        } catch (e) {
            error = e;
        }
        expect(pulumi.RunError.isInstance(error)).to.equal(true);
    });
});

describe("withDefaults", () => {
    it("merges objects key by key; arrays, scalars and class instances replace", () => {
        class Out {
            constructor(readonly v: number) {}
        }
        const o = new Out(1);
        expect(withDefaults({ a: { b: 1, c: 2 }, list: [1, 2], x: 1, o: { k: 1 } }, { a: { c: 3 }, list: [9], o })).to.deep.equal({ a: { b: 1, c: 3 }, list: [9], x: 1, o });
        expect(deepMerge({ a: 1 }, undefined)).to.deep.equal({ a: 1 });
    });

    it("show() cuts long values and names unset ones", () => {
        expect(show(undefined)).to.equal("(unset)");
        expect(show("a".repeat(200))).to.match(/\.\.\. \(202 characters\)$/);
    });
});
