// The seed's PostgreSQL tuning (`ALTER SYSTEM SET ...`), converted to the units an RDS parameter group expects.
// Pure, so the tests check the arithmetic without mocks.

/** The seed's six settings, verbatim. */
export const SEED_TUNING = {
    shared_buffers: "4GB",
    effective_cache_size: "12GB",
    maintenance_work_mem: "1GB",
    checkpoint_completion_target: "0.9",
    wal_buffers: "64MB",
    default_statistics_target: "100",
} as const;

/**
 * Unit of each parameter in an RDS parameter group, in kB (RDS takes bare numbers in the parameter's base unit,
 * as listed by `aws rds describe-db-parameters` and pg_settings.unit): shared_buffers, effective_cache_size and
 * wal_buffers count 8 kB pages; maintenance_work_mem counts kB; the other two are unitless.
 */
const UNIT_KB: Record<keyof typeof SEED_TUNING, number | undefined> = {
    shared_buffers: 8,
    effective_cache_size: 8,
    maintenance_work_mem: 1,
    checkpoint_completion_target: undefined,
    wal_buffers: 8,
    default_statistics_target: undefined,
};

/**
 * Static parameters take effect only after a reboot (RDS rejects "immediate" for them); the rest apply at once.
 * shared_buffers and wal_buffers are postmaster-context settings in PostgreSQL.
 */
const STATIC = new Set<string>(["shared_buffers", "wal_buffers"]);

const KB_PER: Record<string, number> = { kB: 1, MB: 1024, GB: 1024 * 1024, TB: 1024 * 1024 * 1024 };

/** "4GB" in units of `unitKb` kilobytes, as an integer string. Throws on a value that does not divide evenly. */
export function memoryInUnits(value: string, unitKb: number): string {
    const m = /^([0-9]+)(kB|MB|GB|TB)$/.exec(value);
    if (!m) throw new Error(`expected a PostgreSQL memory value such as 4GB, got ${JSON.stringify(value)}`);
    const kb = Number(m[1]) * KB_PER[m[2]];
    if (kb % unitKb !== 0) throw new Error(`${value} is not a whole number of ${unitKb} kB units`);
    return String(kb / unitKb);
}

export interface RdsParameter {
    name: string;
    value: string;
    applyMethod: "immediate" | "pending-reboot";
}

/** The seed's tuning plus TLS-only connections, sorted by name so previews never show a reordering diff. */
export function rdsTuningParameters(): RdsParameter[] {
    const params: RdsParameter[] = Object.entries(SEED_TUNING).map(([name, value]) => {
        const unit = UNIT_KB[name as keyof typeof SEED_TUNING];
        return {
            name,
            value: unit === undefined ? value : memoryInUnits(value, unit),
            applyMethod: STATIC.has(name) ? "pending-reboot" : "immediate",
        };
    });
    // Refuse unencrypted connections (the default from PostgreSQL 15 on RDS; stated so it cannot drift).
    params.push({ name: "rds.force_ssl", value: "1", applyMethod: "immediate" });
    return params.sort((a, b) => a.name.localeCompare(b.name));
}
