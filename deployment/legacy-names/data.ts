// The data tier's children whose names changed when the tier became the @deepalpha/data package: new name -> old.
import type { LegacyNames } from "../aliases";

export const LEGACY_DATA_NAMES: LegacyNames = {};
