// The observability tier's children whose names changed when the tier became the @deepalpha/observability package: new name -> old.
import type { LegacyNames } from "../aliases";

export const LEGACY_OBSERVABILITY_NAMES: LegacyNames = {};
