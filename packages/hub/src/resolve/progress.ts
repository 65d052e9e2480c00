/** Reported as bytes arrive; the CLI draws the bar. */
export interface DownloadProgress {
  /** File name inside the repository. */
  readonly file: string;
  readonly fileBytes: number;
  readonly fileTotal: number;
  /** Over every file this download fetches (files already in the cache are not counted). */
  readonly bytes: number;
  readonly total: number;
}
