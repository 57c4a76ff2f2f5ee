/** One versioned schema change. Versions start at 1 and increase by one; applied versions are never edited. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The statements to run, in order, inside the migration's transaction. */
  readonly statements: readonly string[];
}
