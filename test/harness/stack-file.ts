// Reads a Pulumi.<stack>.yaml the way the CLI hands it to a program: every value as a string (objects as
// JSON text), `secure:` values recognised. The offline plan has no secrets provider, so it cannot decrypt
// them: it fills every secret with a marked placeholder and says so.
import * as fs from "fs";
import * as YAML from "yaml";

export const OFFLINE_SECRET_PLACEHOLDER = "offline-plan-placeholder";

export interface StackFileConfig {
    config: Record<string, string>;
    /** Keys stored encrypted (`secure:`) in the file. */
    secureKeys: string[];
}

export class StackFileError extends Error {}

export function readStackFile(path: string): StackFileConfig {
    let text: string;
    try {
        text = fs.readFileSync(path, "utf8");
    } catch (e) {
        throw new StackFileError(`cannot read stack config file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    let doc: unknown;
    try {
        doc = YAML.parse(text);
    } catch (e) {
        throw new StackFileError(`${path} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    if (doc === null || doc === undefined) return { config: {}, secureKeys: [] };
    if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(`${path}: expected a mapping with a "config:" key`);
    const raw = (doc as Record<string, unknown>).config ?? {};
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new StackFileError(`${path}: "config:" must be a mapping of key: value`);
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
