// Reads a Pulumi.<stack>.yaml the way the CLI hands it to a program: every value as a string (objects as
// JSON text), `secure:` values recognised. The offline plan has no secrets provider, so it cannot decrypt
// them: it fills every secret with a marked placeholder and says so.
import * as fs from "fs";
import * as YAML from "yaml";
import { notTextReason } from "../../scripts/input-sniff";

export const OFFLINE_SECRET_PLACEHOLDER = "offline-plan-placeholder";

export interface StackFileConfig {
    config: Record<string, string>;
    /** Keys stored encrypted (`secure:`) in the file. */
    secureKeys: string[];
}

export class StackFileError extends Error {}

/**
 * YAML.parse, in linear time. The yaml package checks each mapping key against every key before it
 * (compose/util-map-includes.js), quadratic in the keys of one mapping: 20,000 keys took 15 s. Parsed with
 * that check off, the duplicates are found here with one Set per mapping, and named with their line.
 */
export function parseYaml(text: string, path: string): unknown {
    const lines = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { uniqueKeys: false, lineCounter: lines });
    if (doc.errors.length) {
        const err = doc.errors[0];
        const pos = err.linePos?.[0];
        // The yaml package ends its first line with " at line L, column C:" before a source excerpt: the position
        // goes in front instead, with the key it is under.
        const message = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        const key = pos ? keyAtLine(text, pos.line) : undefined;
        throw new StackFileError(`${path}${pos ? `:${pos.line}:${pos.col}` : ""}: not valid YAML${key ? ` (under ${JSON.stringify(key)})` : ""}: ${message}`);
    }
    const walk = (node: unknown, at: string): void => {
        if (YAML.isMap(node)) {
            const seen = new Set<unknown>();
            for (const pair of node.items) {
                const key = YAML.isScalar(pair.key) ? pair.key.value : pair.key;
                const name = at ? `${at}.${String(key)}` : String(key);
                if (seen.has(key)) {
                    const line = YAML.isNode(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : undefined;
                    throw new StackFileError(`${path}${line ? `:${line}` : ""}: duplicate key ${JSON.stringify(name)}: a key may appear once in a mapping`);
                }
                seen.add(key);
                walk(pair.value, name);
            }
        } else if (YAML.isSeq(node)) node.items.forEach((item, i) => walk(item, `${at}[${i}]`));
    };
    walk(doc.contents, "");
    return doc.toJS();
}

/**
 * The dotted key a line of block YAML belongs to, from indentation alone (the document did not parse, so there
 * is no tree): the line's own key, then each less-indented key above it.
 */
export function keyAtLine(text: string, line: number): string | undefined {
    const lines = text.split(/\r?\n/);
    const keyOf = (l: string) => /^\s*(?:- )?("[^"]*"|'[^']*'|[^\s#"'{}[\]][^#]*?):(?:\s|$)/.exec(l)?.[1].replace(/^["']|["']$/g, "");
    const indentOf = (l: string) => /^\s*/.exec(l)![0].length;
    const keys: string[] = [];
    let indent = Infinity;
    for (let i = Math.min(line, lines.length) - 1; i >= 0 && indent > 0; i--) {
        const l = lines[i];
        if (l.trim() === "" || l.trim().startsWith("#")) continue;
        const k = keyOf(l);
        if (k !== undefined && indentOf(l) < indent) {
            keys.unshift(k);
            indent = indentOf(l);
        }
    }
    return keys.length ? keys.join(".") : undefined;
}

export function readStackFile(path: string): StackFileConfig {
    let buf: Buffer;
    try {
        buf = fs.readFileSync(path);
    } catch (e) {
        throw new StackFileError(`cannot read stack config file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    // Described, never echoed: raw bytes in an error message can garble the terminal.
    const notText = notTextReason(buf);
    if (notText) throw new StackFileError(`${path} is ${notText}; expected a YAML stack file with a "config:" mapping`);
    const text = buf.toString("utf8");
    const doc = parseYaml(text, path);
    // A file that parses but says nothing would plan the defaults of the local profile under any stack name.
    if (doc === null || doc === undefined) throw new StackFileError(`${path} is empty: expected a "config:" mapping with the stack's settings (at least deepalpha:profile)`);
    if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(`${path}: expected a mapping with a "config:" key`);
    if (!("config" in doc) || (doc as Record<string, unknown>).config === null) {
        throw new StackFileError(`${path} has no "config:" mapping (top-level keys: ${Object.keys(doc).join(", ") || "none"}): the stack's settings go under config:`);
    }
    const raw = (doc as Record<string, unknown>).config;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new StackFileError(`${path}: "config:" must be a mapping of key: value`);
    // Settings only of other namespaces (aws:region, kubernetes:context) or none: the program's own would all be defaults.
    const keys = Object.keys(raw as Record<string, unknown>);
    if (!keys.some((k) => k.startsWith("deepalpha:"))) {
        throw new StackFileError(
            `${path}: "config:" has no deepalpha: setting${keys.length ? ` (only ${keys.join(", ")})` : " (it is empty)"}, so every setting would be a default of the local profile; set at least deepalpha:profile`,
        );
    }
    const config: Record<string, string> = {};
    const secureKeys: string[] = [];
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (!key.includes(":")) throw new StackFileError(`${path}: config key ${JSON.stringify(key)} needs a namespace, such as deepalpha:${key}`);
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            secureKeys.push(key);
            config[key] = OFFLINE_SECRET_PLACEHOLDER;
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secureKeys };
}
