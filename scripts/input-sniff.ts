// What an input file is when it is not what a command expects: binary data, UTF-16 text, npm's banner in front
// of the JSON, an engine event stream instead of one document. Each gets a message that says what was found and
// how to get the right thing; binary bytes are described, never echoed to the terminal.

/** Leading bytes of formats users hand over by mistake. */
const MAGIC: [string, string][] = [
    ["1f8b", "gzip-compressed data: decompress it first (gunzip)"],
    ["504b0304", "a zip archive: extract the file first"],
    ["28b52ffd", "zstd-compressed data: decompress it first (zstd -d)"],
    ["425a68", "bzip2-compressed data: decompress it first (bunzip2)"],
    ["fd377a585a00", "xz-compressed data: decompress it first (xz -d)"],
    ["7f454c46", "an ELF executable"],
];

/**
 * Why `buf` is not UTF-8 text, or undefined when it is. UTF-16 (what Windows PowerShell's `>` writes) is named
 * as such: re-saving it as UTF-8 is the fix.
 */
export function notTextReason(buf: Buffer): string | undefined {
    const hex = buf.subarray(0, 8).toString("hex");
    const first = hex.match(/../g)?.slice(0, 4).join(" ") ?? "";
    if (hex.startsWith("fffe") || hex.startsWith("feff")) {
        return `UTF-16 text (byte order mark ${hex.slice(0, 4)}), which Windows PowerShell's > writes: save it as UTF-8 (| Out-File -Encoding utf8, or pwsh 7)`;
    }
    const magic = MAGIC.find(([m]) => hex.startsWith(m));
    if (magic) return `binary, ${magic[1]} (first bytes ${first})`;
    if (buf.subarray(0, 8192).includes(0)) return `binary, not text (a NUL byte; first bytes ${first})`;
    try {
        new TextDecoder("utf-8", { fatal: true }).decode(buf);
    } catch {
        return `not UTF-8 text (first bytes ${first})`;
    }
    return undefined;
}

/** The npm banner (`> pkg@1.0.0 plan` / `> command`) that `npm run` without --silent prints before a script's output. */
export function npmBanner(text: string): string | undefined {
    const m = /^\s*> (\S+@\S+ \S+)\r?\n> [^\n]*\n/.exec(text);
    return m ? m[1] : undefined;
}

/** Engine events (apitype.EngineEvent: sequence, timestamp, one event field) one per line: how many, or undefined. */
export function engineEventCount(text: string): number | undefined {
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) return undefined;
    try {
        const first = JSON.parse(lines[0]) as Record<string, unknown>;
        if (typeof first !== "object" || first === null || typeof first.sequence !== "number" || typeof first.timestamp !== "number") return undefined;
    } catch {
        return undefined;
    }
    return lines.length;
}
