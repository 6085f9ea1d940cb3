"""The human-readable ``ATTRIBUTION.md`` that travels with a dataset and its trained weights."""

from __future__ import annotations

from collections.abc import Sequence

from studio.train.data.dataset_format import SourceRecord

LICENSE_URLS = {
    "MIT": "https://opensource.org/license/mit",
    "Apache-2.0": "https://www.apache.org/licenses/LICENSE-2.0",
    "CC-BY-3.0": "https://creativecommons.org/licenses/by/3.0/",
    "Unicode-3.0": "https://www.unicode.org/license.txt",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}

_HEADER = """# Attribution and licenses

This dataset (and any model weights trained on it) contains or derives from the works below.
Keep this file next to the weights when you share them. Images were rasterized, cropped,
centred and resized to small sprites; captions were composed from the listed name and keyword
data. No source is under a share-alike or GPL license.
"""


def attribution_markdown(sources: Sequence[SourceRecord]) -> str:
    """``ATTRIBUTION.md`` text listing every source with its license and credit line."""
    parts = [_HEADER]
    for source in sources:
        parts.append(_section(source))
    return "\n".join(parts).rstrip() + "\n"


def _section(source: SourceRecord) -> str:
    package = f"{source.package} {source.version}".strip()
    license_url = LICENSE_URLS.get(source.license, "")
    license_line = f"{source.license} ({license_url})" if license_url else source.license
    lines = [
        f"## {source.name}",
        "",
        f"- Package: {package}",
        f"- Items: {source.count}",
        f"- License: {license_line}",
    ]
    if source.url:
        lines.append(f"- Home: {source.url}")
    if source.license_url:
        lines.append(f"- Upstream license text: {source.license_url}")
    lines += ["", source.attribution, ""]
    if source.license_text:
        lines += ["License file shipped in the package:", "", "```", source.license_text, "```", ""]
    else:
        lines += ["The package ships no license file; see the upstream license text above.", ""]
    return "\n".join(lines)
