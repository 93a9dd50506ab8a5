// EC2 instance families the node groups may use, as far as the performance tuning cares: whether the family
// has ENA enhanced networking (AWS's SR-IOV network interface), and which CPU the executor's Rust binary must
// be compiled for to run on it. Pure data: the validator, the docs and the tests read it.

/**
 * Previous-generation (Xen) families without the Elastic Network Adapter: no enhanced networking at all, or
 * the older Intel 82599 VF interface. Every current-generation (Nitro) family has ENA. m4 is listed whole
 * although m4.16xlarge alone has ENA: nothing else about m4 suits a latency tier.
 */
export const FAMILIES_WITHOUT_ENA: readonly string[] = ["c1", "c3", "c4", "cc2", "cr1", "d2", "g2", "hi1", "hs1", "i2", "m1", "m2", "m3", "m4", "r3", "t1", "t2"];

/**
 * rustc/LLVM `-C target-cpu` name of the CPU each executor-capable family runs, all Nitro families with ENA.
 * A binary built with `target-cpu=X` may use every instruction X has (AVX-512, VNNI, AMX, SVE...): it dies
 * with SIGILL on a CPU without them. Families whose instances can land on two CPU generations name the older
 * one (m5/c5/r5: Skylake-SP or Cascade Lake, so `skylake-avx512`).
 */
export const EXECUTOR_FAMILY_CPU: Readonly<Record<string, string>> = {
    // Intel Xeon Scalable 1st/2nd gen (Skylake-SP, Cascade Lake)
    c5: "skylake-avx512",
    c5n: "skylake-avx512",
    m5: "skylake-avx512",
    r5: "skylake-avx512",
    // Intel Xeon Scalable 3rd gen (Ice Lake)
    c6i: "icelake-server",
    c6in: "icelake-server",
    m6i: "icelake-server",
    m6in: "icelake-server",
    r6i: "icelake-server",
    // Intel Xeon Scalable 4th gen (Sapphire Rapids)
    c7i: "sapphirerapids",
    m7i: "sapphirerapids",
    r7i: "sapphirerapids",
    // AMD EPYC 3rd gen (Milan)
    c6a: "znver3",
    m6a: "znver3",
    r6a: "znver3",
    // AMD EPYC 4th gen (Genoa)
    c7a: "znver4",
    m7a: "znver4",
    r7a: "znver4",
    // AWS Graviton2
    c6g: "neoverse-n1",
    c6gn: "neoverse-n1",
    m6g: "neoverse-n1",
    r6g: "neoverse-n1",
    // AWS Graviton3
    c7g: "neoverse-v1",
    c7gn: "neoverse-v1",
    m7g: "neoverse-v1",
    r7g: "neoverse-v1",
    // AWS Graviton4
    c8g: "neoverse-v2",
    m8g: "neoverse-v2",
    r8g: "neoverse-v2",
};

/** Every CPU target of the table, in a stable order (the schema's allowed values). */
export const EXECUTOR_CPU_TARGETS = [...new Set(Object.values(EXECUTOR_FAMILY_CPU))] as [string, ...string[]];

/** `c6i.4xlarge` -> `c6i`. */
export const familyOf = (instanceType: string): string => instanceType.split(".")[0];

export const hasEna = (instanceType: string): boolean => !FAMILIES_WITHOUT_ENA.includes(familyOf(instanceType));

/** Families whose CPU is `cpu`, for the error message that suggests alternatives. */
export const familiesFor = (cpu: string): string[] => Object.keys(EXECUTOR_FAMILY_CPU).filter((f) => EXECUTOR_FAMILY_CPU[f] === cpu);

/**
 * What the scheduler and the kubelet need to know of a node: vCPUs, memory and hardware threads per core, for the
 * families above. Sizes follow EC2's naming on these Nitro families: medium 1 vCPU, large 2, xlarge 4, Nxlarge 4N;
 * memory is 2 GiB per vCPU for c*, 4 for m*, 8 for r*, except c5n (irregular, listed). Every vCPU is a hyperthread
 * (2 per core) except on Graviton and the 4th-generation AMD families (c7a, m7a, r7a), where a vCPU is a core.
 * Metal sizes are not derived (undefined): the capacity checks skip them.
 */
export interface InstanceShape {
    vcpus: number;
    memoryGiB: number;
    threadsPerCore: number;
}

const C5N_MEMORY_GIB: Readonly<Record<string, number>> = { large: 5.25, xlarge: 10.5, "2xlarge": 21, "4xlarge": 42, "9xlarge": 96, "18xlarge": 192 };
const ONE_THREAD_PER_CORE = /^(c7a|m7a|r7a|[cmr][678]gn?)$/;

export function instanceShape(instanceType: string): InstanceShape | undefined {
    const [family, size] = instanceType.split(".");
    if (EXECUTOR_FAMILY_CPU[family] === undefined || size === undefined) return undefined;
    const n = /^([0-9]+)xlarge$/.exec(size);
    const vcpus = size === "medium" ? 1 : size === "large" ? 2 : size === "xlarge" ? 4 : n ? 4 * Number(n[1]) : undefined;
    if (vcpus === undefined) return undefined;
    const memoryGiB = family === "c5n" ? C5N_MEMORY_GIB[size] : vcpus * { c: 2, m: 4, r: 8 }[family[0] as "c" | "m" | "r"];
    if (memoryGiB === undefined) return undefined;
    return { vcpus, memoryGiB, threadsPerCore: ONE_THREAD_PER_CORE.test(family) ? 1 : 2 };
}
