// The cluster tier's children whose names changed when the tier became the @deepalpha/cluster package: new name -> old.
import type { LegacyNames } from "../aliases";

export const LEGACY_CLUSTER_NAMES: LegacyNames = {};
