// Runs the program under Pulumi's own mocks (no engine, no cluster) and prints, as one JSON document, every
// resource it registered (type, name, URN, namespace, selected inputs) and the outputs; with an argument
// "bad", runs it with a bad backup schedule and prints the error the component raised.
import * as pulumi from "@pulumi/pulumi";
import { program } from "./index";

pulumi.runtime.setMocks(
    {
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
        call: (args) => {
            throw new Error(`unexpected invoke ${args.token}`);
        },
    },
    "consumer",
    "test",
    false,
);

interface Seen {
    type: string;
    name: string;
    resource: pulumi.Resource;
    props: Record<string, unknown>;
}

async function main(): Promise<void> {
    const bad = process.argv[2] === "bad";
    const seen: Seen[] = [];
    let outputs: Record<string, pulumi.Output<string>> = {};
    let error: unknown;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((a) => {
            seen.push({ type: a.type, name: a.name, resource: a.resource, props: a.props as Record<string, unknown> });
            return undefined;
        });
        try {
            outputs = program(bad ? { backupSchedule: "every night", partitionMonthsAhead: 0, postgres: { volumeSize: "lots" } } : {});
        } catch (e) {
            error = e;
        }
        return {};
    });
    if (error !== undefined) {
        const runError = pulumi.RunError.isInstance(error);
        process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error), runError, registered: seen.length }));
        return;
    }
    const value = <T>(o: unknown) => new Promise<T>((resolve) => pulumi.output(o as pulumi.Input<T>).apply((v) => resolve(v as T)));
    const resources = await Promise.all(
        seen.map(async (s) => {
            const metadata = (await value<{ name?: string; namespace?: string } | undefined>(s.props.metadata)) ?? {};
            const spec = s.type.startsWith("kubernetes:") ? await value<Record<string, unknown> | undefined>(s.props.spec) : undefined;
            return { type: s.type, name: s.name, urn: await value<string>(s.resource.urn), namespace: metadata.namespace, objectName: metadata.name, spec };
        }),
    );
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(outputs)) out[k] = await value<string>(v);
    process.stdout.write(JSON.stringify({ resources, outputs: out }));
}

void main();
