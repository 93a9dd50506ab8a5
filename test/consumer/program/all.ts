// Every tier package's public face compiles and loads in a program outside the repository.
import { AppTier, type AppTierArgs } from "@deepalpha/app";
import { ClusterComponent, type ClusterArgs } from "@deepalpha/cluster";
import { DataTier, type DataTierArgs } from "@deepalpha/data";
import { Observability, type ObservabilityArgs } from "@deepalpha/observability";
import { NAMESPACES, validateArgs } from "@deepalpha/shared";

export type AnyTierArgs = AppTierArgs | ClusterArgs | DataTierArgs | ObservabilityArgs;
export const components = { AppTier, ClusterComponent, DataTier, Observability };
export const shared = { NAMESPACES, validateArgs };

if (require.main === module) {
    process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(components).map(([k, v]) => [k, typeof v]))));
}
