import { UnmaskError } from '@unmask/tensor';

/** Base of every error raised while finding or downloading a model. */
export class HubError extends UnmaskError {
  constructor(message: string, cause?: unknown) {
    super(message);
    if (cause !== undefined) this.cause = cause;
  }
}

/** The spec names no model folder, is malformed, or names a model that is not (fully) in the cache and may not be downloaded. */
export class ModelNotFoundError extends HubError {}

/** The hub cannot be reached (connection refused, DNS failure, timeout) or offline mode is on, and the model is not cached. */
export class HubOfflineError extends HubError {}

/** HTTP 401/403: the repository is gated or private and the token is missing or has no access. */
export class HubAccessError extends HubError {}

/** HTTP 404: the repository, revision or a required file does not exist. */
export class HubNotFoundError extends HubError {}

/** A downloaded file's size or sha256 differs from what the hub announced; the file was discarded. */
export class HubIntegrityError extends HubError {}

/** The hub answered something unexpected, or a transfer kept failing after its retries. */
export class HubDownloadError extends HubError {
  constructor(
    message: string,
    /** The HTTP status when the hub answered one. */
    readonly status?: number,
    cause?: unknown,
  ) {
    super(message, cause);
  }
}
