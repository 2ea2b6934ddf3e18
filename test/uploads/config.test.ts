/** The upload keys: `enableUploads` switches uploads on, `maxUploadSize` caps them (10 MB by default). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../lib/config";
import { load } from "../config/support";

describe("upload config", () => {
  it("maxUploadSize defaults to 10 MB and is read from flags, env and files", () => {
    assert.equal(load().config.maxUploadSize, 10 * 1024 * 1024);
    assert.equal(load({ argv: ["--max-upload-size", "2048"] }).config.maxUploadSize, 2048);
    assert.equal(load({ env: { PUMPIO_MAX_UPLOAD_SIZE: "4096", PUMPIO_SECRET: "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c1e" } }).config.maxUploadSize, 4096);
  });

  it("refuses a limit that is not a positive whole number", () => {
    assert.throws(() => load({ argv: ["--maxUploadSize", "lots"] }), ConfigError);
    assert.throws(() => load({ argv: ["--maxUploadSize", "0"] }), ConfigError);
  });
});
