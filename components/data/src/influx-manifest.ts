// The InfluxDB backup's manifest: what the backup job saw, written beside its `influx backup` directory, and
// what the restore drill reads again from a throwaway influxd after restoring that directory. Both sides run the
// same shell function with the same org and cutoff, so two equal manifests mean the restored data equal the
// backed-up data. Pure text builders, for tests and for both Jobs.
//
// InfluxDB has no snapshot isolation: points written while the backup runs may or may not be in it. The manifest
// therefore covers only points older than a cutoff taken before the backup starts, minus INFLUX_MANIFEST_LAG_SECONDS
// for points that arrive late. It also stops short of the retention edge (a shard group the live server drops
// between backup and manifest would otherwise differ); the drill's influxd never enforces retention.

/** Points timestamped in the last 10 minutes before the backup starts are left out of the manifest. */
export const INFLUX_MANIFEST_LAG_SECONDS = 600;

/** Flux prelude shared by the queries of one bucket: $fb (escaped bucket name) and $cutoff come from the shell. */
const FLUX_DATA = [
    'rp = (buckets() |> filter(fn: (r) => r.name == \\"$fb\\") |> findRecord(fn: (key) => true, idx: 0)).retentionPeriod',
    'stop = time(v: \\"$m_cutoff\\")',
    // A day short of the retention edge (half the retention for buckets kept under two days); 0 = infinite.
    "margin = if rp > 172800000000000 then 86400000000000 else rp / 2",
    "start = if rp == 0 then time(v: 0) else time(v: int(v: stop) - rp + margin)",
    'data = from(bucket: \\"$fb\\") |> range(start: start, stop: stop) |> drop(columns: [\\"_start\\", \\"_stop\\"])',
].join("\n");

/**
 * Shell functions (POSIX sh, BusyBox): `influx_manifest ORG CUTOFF OUT` and `influx_manifest_compare BACKUP
 * RESTORED`. influx_manifest needs INFLUX_HOST and INFLUX_TOKEN in the environment (the influx CLI reads them).
 * Manifest lines, tab-separated: `org`, `cutoff`, then per bucket of ORG (system buckets `_*` excluded, by name):
 * `bucket <name> <md5> <lines>`, the md5 and line count of the annotated CSV of every point in range (a canonical
 * query: the storage engine returns series in key order and points in time order), then `stats <name> <csv line>`
 * for each line of a query that yields per measurement the number of values (`values`) and the newest point's
 * time in nanoseconds (`newest`). The last line is `end <number of lines before it>`, so a cut file fails.
 */
export function influxManifestFunctions(): string {
    return [
        "influx_manifest() {",
        '  m_org=$1; m_cutoff=$2; m_out=$3; m_tmp="$m_out.d"',
        '  case "$m_cutoff" in',
        "    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) ;;",
        '    *) echo "influx manifest: the cutoff must be YYYY-MM-DDTHH:MM:SSZ, got \'$m_cutoff\'" >&2; return 1 ;;',
        "  esac",
        '  rm -rf "$m_tmp"; mkdir -p "$m_tmp"',
        '  printf "org\\t%s\\ncutoff\\t%s\\n" "$m_org" "$m_cutoff" > "$m_tmp/manifest"',
        '  influx query --org "$m_org" --raw \'buckets() |> filter(fn: (r) => r.name !~ /^_/) |> keep(columns: ["name"]) |> sort(columns: ["name"])\' > "$m_tmp/buckets.csv" || return 1',
        // Data rows of the annotated CSV: empty annotation column, not the header (result,table,name).
        "  tr -d '\\r' < \"$m_tmp/buckets.csv\" | awk -F, 'NF >= 4 && $1 == \"\" && $2 != \"result\" { print $4 }' > \"$m_tmp/buckets\"",
        '  if grep -q \'"\' "$m_tmp/buckets"; then echo "influx manifest: a bucket name with a comma or a quote is not supported: $(grep \'"\' "$m_tmp/buckets" | head -n 1)" >&2; return 1; fi',
        '  while IFS= read -r b; do',
        // Flux string literal (flux SPEC.md, string_lit): escape backslash and quote; $ as the byte \x24, so "${" never interpolates.
        "    fb=$(printf '%s' \"$b\" | sed -e 's/[\\\\\"]/\\\\&/g' -e 's/\\$/\\\\x24/g')",
        `    influx query --org "$m_org" --raw "${FLUX_DATA}`,
        'data |> yield(name: \\"data\\")" < /dev/null > "$m_tmp/data.csv" || return 1',
        `    influx query --org "$m_org" --raw "${FLUX_DATA}`,
        'data |> count() |> group(columns: [\\"_measurement\\"]) |> sum() |> yield(name: \\"values\\")',
        'data |> last() |> map(fn: (r) => ({r with _value: int(v: r._time)})) |> group(columns: [\\"_measurement\\"]) |> max() |> keep(columns: [\\"_measurement\\", \\"_value\\"]) |> yield(name: \\"newest\\")" < /dev/null > "$m_tmp/stats.csv" || return 1',
        '    sum=$(md5sum < "$m_tmp/data.csv" | cut -d " " -f 1); lines=$(wc -l < "$m_tmp/data.csv")',
        '    printf "bucket\\t%s\\t%s\\t%s\\n" "$b" "$sum" "$lines" >> "$m_tmp/manifest"',
        "    tr -d '\\r' < \"$m_tmp/stats.csv\" | awk -v b=\"$b\" 'NF { printf \"stats\\t%s\\t%s\\n\", b, $0 }' >> \"$m_tmp/manifest\"",
        '  done < "$m_tmp/buckets"',
        '  printf "end\\t%s\\n" "$(wc -l < "$m_tmp/manifest" | tr -d " ")" >> "$m_tmp/manifest"',
        '  mv "$m_tmp/manifest" "$m_out"; rm -rf "$m_tmp"',
        "}",
        "",
        // Both files whole (their end line counts the lines before it), at least one bucket, and equal.
        "influx_manifest_compare() {",
        '  for f in "$1" "$2"; do',
        '    [ -s "$f" ] || { echo "influx manifest $f is missing or empty" >&2; return 1; }',
        "    n=$(tail -n 1 \"$f\" | awk -F'\\t' '$1 == \"end\" && $2 ~ /^[0-9]+$/ { print $2 }')",
        '    [ -n "$n" ] && [ "$n" -eq "$(( $(wc -l < "$f") - 1 ))" ] || { echo "influx manifest $f is cut short (no end line, or it counts other lines)" >&2; return 1; }',
        "  done",
        '  grep -q "^bucket\t" "$1" || { echo "influx manifest $1 lists no bucket" >&2; return 1; }',
        '  if ! diff "$1" "$2" >&2; then echo "influx manifests differ (< backup, > restored)" >&2; return 1; fi',
        "}",
    ].join("\n");
}

/** Shell line: $cutoff = now minus the lag, UTC, to the second (BusyBox and GNU date both take @seconds). */
export const INFLUX_CUTOFF_LINE = `cutoff=$(date -u -d "@$(( $(date +%s) - ${INFLUX_MANIFEST_LAG_SECONDS} ))" +%Y-%m-%dT%H:%M:%SZ)`;
