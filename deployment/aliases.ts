// Keeps the URNs of stacks deployed before the tiers became packages. The packages name their children after the
// instance (`${name}-...`, so two instances can live in one stack); where that differs from the name a live
// stack has, the child carries an alias to its old name, and `pulumi up` moves it in state instead of deleting
// and recreating it. The tables (legacy-names/) belong to the DeepAlpha deployment, not to the packages.
import * as pulumi from "@pulumi/pulumi";

/**
 * New child name -> the name it had in releases up to 0.1.0 (same type, same parent): a table, or a rule where the
 * names follow the stack's settings (the app tier's Freqtrade bots).
 */
export type LegacyNames = Readonly<Record<string, string>> | ((name: string) => string | undefined);

/**
 * A transformation for a tier's ComponentResourceOptions: every child whose name is in `legacy` gets an alias
 * to its old name (the component passes transformations on to all of its children).
 */
export function legacyAliases(legacy: LegacyNames): pulumi.ResourceTransformation {
    return (args) => {
        const old = typeof legacy === "function" ? legacy(args.name) : Object.hasOwn(legacy, args.name) ? legacy[args.name] : undefined;
        if (old === undefined || old === args.name) return undefined;
        return { props: args.props, opts: pulumi.mergeOptions(args.opts, { aliases: [{ name: old }] }) };
    };
}
