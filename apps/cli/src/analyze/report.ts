/** What an analysis writes and prints. */
export interface Report {
  /** File name in the output folder -> contents. */
  files: Record<string, string>;
  /** The table printed on stdout. */
  text: string;
}

/** Where a report's inputs came from, as its markdown states them. */
export interface ReportContext {
  /** The command line that writes the report. */
  command: string;
  model: string;
  /** Where the prompts came from. */
  prompts: string;
}
