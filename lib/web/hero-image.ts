import { existsSync } from "node:fs";
import { join, normalize } from "node:path";
import { packageRoot } from "../version";

/**
 * The welcome page's picture (config `mainImage`) as a URL the page can
 * use, or null when there is nothing to show. The original's default
 * names `images/somefriends.jpg`, a file we do not ship: showing it
 * anyway gave a broken `<img>`, so a site path is used only when the
 * file is really under public/.
 */
export function heroImageUrl(mainImage: string | undefined, prefix: string, publicDir = join(packageRoot(), "public")): string | null {
  const value = (mainImage ?? "").trim();
  if (value === "" || value === "#") return null;
  if (/^https?:\/\/[^\s"'<>]+$/i.test(value)) return value;
  const rel = normalize(value.replace(/^\/+/, ""));
  if (rel.startsWith("..") || !existsSync(join(publicDir, rel))) return null;
  return `${prefix}/${rel}`;
}
