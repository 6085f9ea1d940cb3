// Read a libGDX .atlas with spine-core's TextureAtlas (the same text layout libGDX reads) and
// print what it parsed, one JSON object: every page's image name and size, and every region's
// name, index, page, bounds, offsets, original size and rotation. check_engines.py rebuilds
// each frame from these numbers and compares it with the source sprite.
// Usage: node libgdx.mjs SPINE_CORE_INDEX_JS ATLAS_FILE
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [corePath, atlasPath] = process.argv.slice(2);
const { TextureAtlas } = await import(pathToFileURL(corePath).href);
const atlas = new TextureAtlas(readFileSync(atlasPath, "utf8"));
console.log(JSON.stringify({
  pages: atlas.pages.map((p) => ({ name: p.name, width: p.width, height: p.height })),
  regions: atlas.regions.map((r) => ({
    name: r.name, index: r.index, page: r.page.name, x: r.x, y: r.y, width: r.width,
    height: r.height, offsetX: r.offsetX, offsetY: r.offsetY, originalWidth: r.originalWidth,
    originalHeight: r.originalHeight, degrees: r.degrees,
  })),
}));
