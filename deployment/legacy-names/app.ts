// The app tier's children whose names changed when the tier became the @deepalpha/app package: new name -> old.
import type { LegacyNames } from "../aliases";

export const LEGACY_APP_NAMES: LegacyNames = {};
