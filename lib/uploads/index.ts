import { join } from "node:path";
import type { PumpConfig } from "../config";
import type { Ctx } from "../activity/context";
import { UploadStore } from "./store";

export { UploadStore, UPLOAD_TYPE, type IncomingFile, type UploadOptions, type UploadRecord } from "./store";
export { grantDownload, type DownloadGrant } from "./access";
export { receiveRaw, receiveJson, isJsonUpload } from "./incoming";
export { receiveMultipart, type MultipartUpload } from "./multipart";
export { withTempDir, sweepStaleTemp, humanSize } from "./receive";
export { postUpload, useAsAvatar } from "./publish";
export { GENERIC_TYPE } from "./media-types";
export { listUploads } from "./list";

/** The API upload endpoint: the app's JSON parser leaves its body to us (our limit is larger). */
export const UPLOAD_API_PATH = /^\/api\/user\/[^/]+\/uploads\/?$/;

/** Uploads of a running site: where files go, where they wait, how big they may be. */
export interface Uploads {
  store: UploadStore;
  /** `<datadir>/upload-tmp`: bodies being received (removed when each request ends). */
  tempRoot: string;
  /** maxUploadSize, in bytes. */
  limit: number;
}

/** The site's uploads, or null when `enableUploads` is off. */
export function createUploads(config: Pick<PumpConfig, "uploaddir" | "datadir" | "maxUploadSize">, ctx: Ctx): Uploads | null {
  if (!config.uploaddir || !config.datadir) return null;
  return {
    store: new UploadStore(ctx, config.uploaddir),
    // Beside the uploads folder, not in it: a nickname may be any folder name there.
    tempRoot: join(config.datadir, "upload-tmp"),
    limit: config.maxUploadSize,
  };
}
